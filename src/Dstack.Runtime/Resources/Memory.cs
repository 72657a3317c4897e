using System.Globalization;
using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Resources;

/// <summary>
/// An amount of memory or disk in dstack GB, which are binary: 1TB = 1024, 1MB = 1/1024.
/// Written as a number (GB) or a string with MB, GB or TB in any case: <c>512MB</c>, <c>16GB</c>, <c>1TB</c>.
/// </summary>
public readonly record struct Memory(double Gigabytes) : IComparable<Memory>
{
    public int CompareTo(Memory other) => Gigabytes.CompareTo(other.Gigabytes);

    public static bool operator <(Memory a, Memory b) => a.Gigabytes < b.Gigabytes;

    public static bool operator >(Memory a, Memory b) => a.Gigabytes > b.Gigabytes;

    public static bool operator <=(Memory a, Memory b) => a.Gigabytes <= b.Gigabytes;

    public static bool operator >=(Memory a, Memory b) => a.Gigabytes >= b.Gigabytes;

    /// <summary>
    /// dstack's display (<c>16GB</c>, <c>0.5GB</c>, <c>1024GB</c>); where six significant digits would lose
    /// precision, the shortest exact form, so the text always reads back as the same size.
    /// </summary>
    public override string ToString()
    {
        var display = PythonNumber.FormatG(Gigabytes);
        return (PythonNumber.TryParseFloat(display, out var back) && back.Equals(Gigabytes)
            ? display
            : Gigabytes.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal)) + "GB";
    }

    /// <summary>Reads a size string as dstack does (spaces removed, case ignored) and rejects sizes that make no sense.</summary>
    /// <exception cref="ValueException">The text is not a size, or is negative, infinite or not a number.</exception>
    public static Memory Parse(string text)
    {
        var normalized = text.Replace(" ", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
        var (number, factor) = normalized switch
        {
            _ when normalized.EndsWith("tb", StringComparison.Ordinal) => (normalized[..^2], 1024.0),
            _ when normalized.EndsWith("gb", StringComparison.Ordinal) => (normalized[..^2], 1.0),
            _ when normalized.EndsWith("mb", StringComparison.Ordinal) => (normalized[..^2], 1.0 / 1024),
            _ => (normalized, 1.0),
        };
        if (!PythonNumber.TryParseFloat(number, out var value))
        {
            var (hint, fix) = SuggestFix(text, normalized);
            throw ValueException.Error(
                DiagnosticCodes.InvalidMemory,
                $"`{text}` is not a size (could not convert string to float: '{number}'); {hint}",
                fix: fix is null ? null : new ValueFix(fix));
        }

        return Checked(value * factor, text);
    }

    /// <summary>A size given as a plain YAML number, in GB.</summary>
    public static Memory FromNumber(double gigabytes, string text) => Checked(gigabytes, text);

    private static Memory Checked(double gigabytes, string text)
    {
        if (double.IsNaN(gigabytes) || double.IsInfinity(gigabytes))
        {
            throw ValueException.Error(DiagnosticCodes.SuspiciousNumber, $"`{text}` is not a finite size; write a number of MB, GB or TB such as 16GB, or leave the bound open (`16GB..`)");
        }

        if (gigabytes < 0)
        {
            throw ValueException.Error(DiagnosticCodes.SuspiciousNumber, $"`{text}` is a negative size; sizes start at 0: write, for example, {PythonNumber.FormatG(-gigabytes)}GB");
        }

        return new Memory(gigabytes);
    }

    /// <summary>The hint for a text that is not a size, and the corrected size when the unit is plainly a misspelling.</summary>
    private static (string Hint, string? Fix) SuggestFix(string text, string normalized)
    {
        var digits = new string(normalized.TakeWhile(c => char.IsAsciiDigit(c) || c == '.').ToArray());
        if (digits.Length > 0)
        {
            var unit = normalized[digits.Length..];
            var fix = unit switch
            {
                "g" or "gi" or "gib" or "gigabytes" or "gigabyte" => "GB",
                "m" or "mi" or "mib" or "megabytes" => "MB",
                "t" or "ti" or "tib" or "terabytes" => "TB",
                "k" or "kb" or "kib" => null,
                // A real unit this grammar lacks (petabytes, exabytes, ...) is no typo: guessing GB would change the size.
                "pb" or "eb" or "zb" or "yb" => string.Empty,
                _ when unit.Length == 2 && unit[1] == 'b' => "GB",
                _ => string.Empty,
            };
            if (fix is null)
            {
                // `.kb` or `1.2.3kb` have no number to convert: the example then uses 1MB.
                var kilobytes = PythonNumber.TryParseFloat(digits, out var number) ? number : 1;
                return ($"kilobytes are not supported: write the size in MB, for example {Math.Max(1, Math.Ceiling(kilobytes / 1024))}MB", null);
            }

            if (fix.Length > 0)
            {
                // Only a number that reads back is offered as a fix: `1.2.3G` gets the hint, not a broken value.
                var corrected = PythonNumber.TryParseFloat(digits, out _) ? digits + fix : null;
                var typo = unit.Length == 2 && unit[1] == 'b' && unit[0] is not ('g' or 'm' or 't');
                return typo
                    ? ($"`{unit.ToUpperInvariant()}` is not a unit (MB, GB or TB); did you mean {digits}GB?", corrected)
                    : ($"write {digits}{fix} (dstack sizes are binary: 1GB = 1024MB)", corrected);
            }
        }

        return ($"write a number followed by MB, GB or TB, for example 16GB (found `{text}`)", null);
    }
}
