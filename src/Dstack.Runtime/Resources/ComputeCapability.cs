using System.Globalization;
using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Resources;

/// <summary>A minimum CUDA compute capability such as 8.0 (NVIDIA only).</summary>
public readonly record struct ComputeCapability(int Major, int Minor) : IComparable<ComputeCapability>
{
    public int CompareTo(ComputeCapability other) => Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}");

    /// <summary>Reads <c>8.0</c>, <c>"7.5"</c>, as dstack does: split on '.', exactly two whole parts.</summary>
    public static ComputeCapability Parse(string text) => FromParts(text.Trim().Split('.'), text);

    public static ComputeCapability FromParts(IReadOnlyList<string> parts, string text)
    {
        if (parts.Count != 2)
        {
            var shown = "[" + string.Join(", ", parts.Select(p => $"'{p}'")) + "]";
            throw ValueException.Error(
                DiagnosticCodes.InvalidComputeCapability,
                $"Invalid compute capability: {shown} (`{text}`); write MAJOR.MINOR, such as 8.0");
        }

        var numbers = new int[2];
        for (var i = 0; i < 2; i++)
        {
            if (!int.TryParse(parts[i].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i]))
            {
                throw ValueException.Error(
                    DiagnosticCodes.InvalidComputeCapability,
                    $"invalid literal for int() with base 10: '{parts[i]}' in compute capability `{text}`; write MAJOR.MINOR, such as 8.0");
            }
        }

        return new ComputeCapability(numbers[0], numbers[1]);
    }
}
