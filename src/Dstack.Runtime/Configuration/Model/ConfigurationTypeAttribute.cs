namespace Dstack.Runtime.Configuration.Model;

/// <summary>The value of <c>type:</c> that selects this configuration class.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ConfigurationTypeAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
