namespace Dstack.Runtime.Resources;

/// <summary>
/// An inclusive range of counts or sizes; a null bound is open. Written <c>4</c> (exactly 4), <c>2..</c>,
/// <c>..8</c>, <c>24GB..40GB</c>, or <c>{min, max}</c>.
/// </summary>
public sealed record Range<T>(T? Min, T? Max)
    where T : struct, IComparable<T>
{
    public static Range<T> Exactly(T value) => new(value, value);

    public static Range<T> AtLeast(T value) => new(value, null);

    public bool IsExact => Min is { } min && Max is { } max && min.CompareTo(max) == 0;

    public bool Contains(T value) =>
        (Min is not { } min || value.CompareTo(min) >= 0) && (Max is not { } max || value.CompareTo(max) <= 0);

    /// <summary>The values both ranges allow, or null when they do not overlap.</summary>
    public Range<T>? Intersect(Range<T> other)
    {
        T? min = Min is { } a && other.Min is { } b ? (a.CompareTo(b) >= 0 ? a : b) : Min ?? other.Min;
        T? max = Max is { } c && other.Max is { } d ? (c.CompareTo(d) <= 0 ? c : d) : Max ?? other.Max;
        return min is { } lo && max is { } hi && lo.CompareTo(hi) > 0 ? null : new Range<T>(min, max);
    }

    /// <summary>dstack's display: <c>4</c>, <c>2..</c>, <c>..8</c>, <c>24GB..40GB</c>.</summary>
    public override string ToString() => IsExact ? Format(Min) : $"{Format(Min)}..{Format(Max)}";

    private static string Format(T? value) => value switch
    {
        null => string.Empty,
        { } v => v.ToString() ?? string.Empty,
    };
}
