using System.Globalization;

namespace Dstack.LanguageServer.Completion;

/// <summary>The range grammar shared by sizes and counts (<c>16GB</c>, <c>16GB..</c>, <c>..64GB</c>, <c>2..8</c>), in words for an item's detail.</summary>
public static class RangeForms
{
    /// <summary><c>16GB..</c> → "at least 16GB", <c>2..8</c> → "2 to 8", <c>4</c> → "exactly 4".</summary>
    public static string Describe(string range, string? unit = null)
    {
        var dots = range.IndexOf("..", StringComparison.Ordinal);
        var suffix = unit is null ? string.Empty : " " + unit;
        if (dots < 0)
        {
            // "exactly 1 GPU", not "1 GPUs".
            suffix = range == "1" && suffix.EndsWith('s') ? suffix[..^1] : suffix;
            return $"exactly {range}{suffix}";
        }

        var (min, max) = (range[..dots], range[(dots + 2)..]);
        return (min.Length, max.Length) switch
        {
            (> 0, 0) => $"at least {min}{suffix}",
            (0, > 0) => $"at most {max}{suffix}",
            _ => $"{min} to {max}{suffix}",
        };
    }

    /// <summary>A number being typed (<c>16</c>, <c>1.5</c>), which a unit or a <c>..</c> can follow.</summary>
    public static bool IsNumber(string text) =>
        text.Length > 0 && char.IsAsciiDigit(text[0]) && double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _);

    /// <summary>The lower bound typed before a trailing <c>..</c> (<c>16GB..</c> → <c>16GB</c>), or null.</summary>
    public static string? OpenLowerBound(string text) =>
        text.Length > 2 && text.EndsWith("..", StringComparison.Ordinal) && !text[..^2].Contains("..", StringComparison.Ordinal) ? text[..^2] : null;
}
