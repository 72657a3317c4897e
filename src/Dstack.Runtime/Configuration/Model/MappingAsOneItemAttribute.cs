namespace Dstack.Runtime.Configuration.Model;

/// <summary>
/// A list of objects that also accepts one object written as a mapping instead of a one-item list, with a warning
/// that shows the list form (the pipelines docs' own example writes <c>workflows:</c> that way once).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MappingAsOneItemAttribute : Attribute
{
}
