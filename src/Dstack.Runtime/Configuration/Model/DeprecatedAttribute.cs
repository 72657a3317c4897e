namespace Dstack.Runtime.Configuration.Model;

/// <summary>A property dstack still accepts but that has no effect or has a replacement; using it gives a warning.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DeprecatedAttribute(string advice) : Attribute
{
    public string Advice { get; } = advice;
}
