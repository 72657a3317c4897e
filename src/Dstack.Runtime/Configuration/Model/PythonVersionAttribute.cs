namespace Dstack.Runtime.Configuration.Model;

/// <summary>Marks a string property that holds a Python major.minor version (3.9 to 3.13); YAML's 3.1 is read back as "3.10".</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PythonVersionAttribute : Attribute
{
    public static IReadOnlyList<string> Supported { get; } = ["3.9", "3.10", "3.11", "3.12", "3.13"];
}
