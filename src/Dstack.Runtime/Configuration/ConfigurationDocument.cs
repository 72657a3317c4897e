using Dstack.Runtime.Configuration.Binding;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Yaml;

namespace Dstack.Runtime.Configuration;

/// <summary>One loaded file: its text, YAML tree, model, where each value came from, and every problem found.</summary>
public sealed record ConfigurationDocument(
    string Path,
    string? Text,
    ConfigurationKind Kind,
    YamlNode? Root,
    object? Model,
    SourceMap SourceMap,
    IReadOnlyList<Diagnostic> Diagnostics)
{
    /// <summary>True when no diagnostic is an error.</summary>
    public bool IsValid => !Diagnostics.Any(d => d.IsError);

    public RunConfiguration? RunConfiguration => Model as RunConfiguration;

    public ProfilesFile? Profiles => Model as ProfilesFile;

    public WorkflowsFile? Workflows => Model as WorkflowsFile;
}
