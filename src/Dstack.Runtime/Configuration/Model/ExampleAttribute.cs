namespace Dstack.Runtime.Configuration.Model;

/// <summary>An example value in YAML, shown in hover text and the docs.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ExampleAttribute(string yaml) : Attribute
{
    public string Yaml { get; } = yaml;
}
