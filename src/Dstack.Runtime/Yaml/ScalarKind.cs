namespace Dstack.Runtime.Yaml;

/// <summary>What a scalar means under YAML 1.1 (PyYAML's <c>safe_load</c>, which dstack uses).</summary>
public enum ScalarKind
{
    Null,
    Bool,
    Int,
    Float,
    String,
}
