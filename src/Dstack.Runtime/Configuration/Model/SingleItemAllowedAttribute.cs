namespace Dstack.Runtime.Configuration.Model;

/// <summary>A list property that also accepts one bare item, read as a list of that item (dstack's <c>gpu.name: A100</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SingleItemAllowedAttribute : Attribute
{
}
