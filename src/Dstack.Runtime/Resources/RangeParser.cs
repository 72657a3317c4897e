using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Resources;

/// <summary>The range grammar of dstack 0.18 for counts and sizes, with dstack's error texts.</summary>
public static class RangeParser
{
    /// <summary>A count range: <c>2</c>, <c>1..4</c>, <c>2..</c>, <c>..8</c>.</summary>
    public static Range<int> ParseCount(string text) => Parse(text, ParseCountValue);

    /// <summary>A size range: <c>16GB</c>, <c>8GB..</c>, <c>24GB..40GB</c>, <c>..80GB</c>.</summary>
    public static Range<Memory> ParseMemory(string text) => Parse(text, Memory.Parse);

    /// <summary>One whole, non-negative number as in a count range: <c>4</c>, <c> 4 </c>.</summary>
    public static int ParseCountValue(string text)
    {
        if (!PythonNumber.TryParseInt(text, out var value))
        {
            var hint = PythonNumber.TryParseFloat(text, out var f) && !double.IsNaN(f) && !double.IsInfinity(f)
                ? $"counts are whole numbers: write {PythonNumber.WholeNumberChoices(f)}"
                : "write a whole number such as 2, or a range such as 1..4";
            throw ValueException.Error(DiagnosticCodes.InvalidInteger, $"`{text}` is not a whole number (value is not a valid integer); {hint}");
        }

        if (value < 0)
        {
            throw ValueException.Error(DiagnosticCodes.SuspiciousNumber, $"`{text}` is a negative count; counts start at 0: write {-value} or a range such as 0..{-value}");
        }

        return value;
    }

    /// <summary>Checks a range made from any input form: dstack's empty-range and range-order rules.</summary>
    public static Range<T> Checked<T>(Range<T> range, string text)
        where T : struct, IComparable<T>
    {
        if (range.Min is null && range.Max is null)
        {
            throw ValueException.Error(DiagnosticCodes.InvalidRange, $"Invalid empty range: {range} (`{text}`); give at least one bound, such as 1.. or ..8");
        }

        if (range.Min is { } min && range.Max is { } max && min.CompareTo(max) > 0)
        {
            throw ValueException.Error(
                DiagnosticCodes.InvalidRangeOrder,
                $"Invalid range order: {min}..{max}; the minimum comes first: write {max}..{min}");
        }

        return range;
    }

    private static Range<T> Parse<T>(string text, Func<string, T> element)
        where T : struct, IComparable<T>
    {
        var compact = text.Replace(" ", string.Empty, StringComparison.Ordinal);
        var exactOffsets = compact.Length == text.Length;
        if (!compact.Contains("..", StringComparison.Ordinal))
        {
            var value = element(text);
            return new Range<T>(value, value);
        }

        var parts = compact.Split("..");
        if (parts.Length != 2)
        {
            throw ValueException.Error(
                DiagnosticCodes.InvalidRange,
                $"`{text}` is not a range (too many values to unpack (expected 2)); write MIN..MAX, MIN.. or ..MAX with one `..`");
        }

        var min = ParsePart(parts[0], 0, exactOffsets, element);
        var max = ParsePart(parts[1], parts[0].Length + 2, exactOffsets, element);
        return Checked(new Range<T>(min, max), text);
    }

    private static T? ParsePart<T>(string part, int offset, bool exactOffsets, Func<string, T> element)
        where T : struct
    {
        if (part.Length == 0)
        {
            return null;
        }

        try
        {
            return element(part);
        }
        catch (ValueException e) when (exactOffsets && e.Issue.Offset < 0)
        {
            throw new ValueException(e.Issue.At(offset, part.Length));
        }
        catch (ValueException e) when (e.Issue.Fix is { Offset: < 0 })
        {
            // The part could not be placed (the range has spaces): its issue covers the whole value, its fix cannot.
            throw new ValueException(e.Issue.Unplaced());
        }
    }
}
