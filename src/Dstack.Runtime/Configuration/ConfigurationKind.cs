namespace Dstack.Runtime.Configuration;

/// <summary>The kinds of file this project reads.</summary>
public enum ConfigurationKind
{
    /// <summary>A run configuration (<c>*.dstack.yml</c>): task, dev-environment or service.</summary>
    Run,

    /// <summary><c>.dstack/profiles.yml</c>.</summary>
    Profiles,

    /// <summary>A legacy pipelines file, <c>.dstack/workflows/*.yaml</c>.</summary>
    Workflows,
}
