using System.Globalization;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>A length of time in seconds, or <c>off</c> (no limit). Written <c>90</c>, <c>30m</c>, <c>2h</c>, <c>1d</c>, <c>1w</c>, <c>off</c>.</summary>
public readonly record struct Duration(long? Seconds)
{
    public static Duration Off { get; } = new(null);

    public bool IsOff => Seconds is null;

    public override string ToString() => Seconds switch
    {
        null => "off",
        { } s when s > 0 && s % 86400 == 0 => string.Create(CultureInfo.InvariantCulture, $"{s / 86400}d"),
        { } s when s > 0 && s % 3600 == 0 => string.Create(CultureInfo.InvariantCulture, $"{s / 3600}h"),
        { } s when s > 0 && s % 60 == 0 => string.Create(CultureInfo.InvariantCulture, $"{s / 60}m"),
        { } s => string.Create(CultureInfo.InvariantCulture, $"{s}s"),
    };
}
