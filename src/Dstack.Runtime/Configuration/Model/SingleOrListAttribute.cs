namespace Dstack.Runtime.Configuration.Model;

/// <summary>A list property that also accepts one value written alone (<c>name: A100</c> for <c>name: [A100]</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SingleOrListAttribute : Attribute
{
}
