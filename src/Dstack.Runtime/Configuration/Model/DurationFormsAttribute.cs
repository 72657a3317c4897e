namespace Dstack.Runtime.Configuration.Model;

/// <summary>Which extra forms a duration property accepts besides a number of seconds or <c>30m</c>-style text.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DurationFormsAttribute(bool allowOff, bool allowBool) : Attribute
{
    public bool AllowOff { get; } = allowOff;

    /// <summary><c>true</c> means the default, <c>false</c> means off.</summary>
    public bool AllowBool { get; } = allowBool;
}
