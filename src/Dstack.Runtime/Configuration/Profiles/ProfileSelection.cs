using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Configuration.Profiles;

/// <summary>The profile chosen for a run, the file it came from (null for the empty default), and any problems found on the way.</summary>
public sealed record ProfileSelection(Profile Profile, string? SourcePath, IReadOnlyList<Diagnostic> Diagnostics)
{
    public bool IsValid => !Diagnostics.Any(d => d.IsError);
}
