using Dstack.Runtime.Configuration.Binding;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Configuration.Profiles;

/// <summary>
/// dstack's profile rules (reference §3): the profile named by <c>--profile</c> (or <c>$DSTACK_PROFILE</c>), else the
/// first <c>default: true</c> profile, looked up in the repository's <c>.dstack/profiles.yml</c> and then in
/// <c>~/.dstack/profiles.yml</c>; the first file that has it wins entirely (no merging between files).
/// A run's effective parameters are the profile's, overwritten by every value the configuration sets.
/// </summary>
public static class ProfileResolver
{
    /// <summary>The profile files in lookup order: the repository's, then the user's.</summary>
    public static IReadOnlyList<string> ProfileFiles(string repositoryRoot, string? dstackHome)
    {
        var files = new List<string>();
        foreach (var folder in new[] { Path.Combine(repositoryRoot, ".dstack"), dstackHome })
        {
            if (folder is null)
            {
                continue;
            }

            var yml = Path.Combine(folder, "profiles.yml");
            var yaml = Path.Combine(folder, "profiles.yaml");
            if (File.Exists(yml))
            {
                files.Add(yml);
            }
            else if (File.Exists(yaml))
            {
                files.Add(yaml);
            }
        }

        return files;
    }

    /// <summary>Selects the profile for a run; <paramref name="requested"/> is the <c>--profile</c> value or null.</summary>
    public static ProfileSelection Select(IReadOnlyList<string> profileFiles, string? requested)
    {
        var diagnostics = new List<Diagnostic>();
        var loaded = new List<(string Path, ProfilesFile File)>();
        foreach (var path in profileFiles)
        {
            var document = ConfigurationLoader.LoadFile(path);
            diagnostics.AddRange(document.Diagnostics);
            if (document.IsValid && document.Profiles is { } file)
            {
                loaded.Add((path, file));
            }
        }

        if (diagnostics.Any(d => d.IsError))
        {
            return new ProfileSelection(new Profile { Name = requested ?? "default" }, null, diagnostics);
        }

        foreach (var (path, file) in loaded)
        {
            var match = requested is null ? file.Profiles.FirstOrDefault(p => p.Default) : file.Profiles.FirstOrDefault(p => p.Name == requested);
            if (match is not null)
            {
                return new ProfileSelection(match, path, diagnostics);
            }
        }

        if (requested is not null)
        {
            var known = loaded.SelectMany(l => l.File.Profiles.Select(p => p.Name)).Distinct().ToList();
            var hint = DidYouMean.Find(requested, known) is { } guess ? $"did you mean `{guess}`?"
                : known.Count > 0 ? $"defined profiles: {string.Join(", ", known)}"
                : "no profiles file defines any profile; add one to .dstack/profiles.yml";
            diagnostics.Add(new Diagnostic(DiagnosticCodes.UnknownProfile, DiagnosticSeverity.Error, $"No such profile: {requested}; {hint}", SourceSpan.FileStart, profileFiles.FirstOrDefault()));
        }

        return new ProfileSelection(new Profile { Name = requested ?? "default" }, null, diagnostics);
    }

    /// <summary>
    /// The effective profile parameters of a run: start from <paramref name="profile"/>, then every parameter the
    /// configuration sets wins. On each side the legacy <c>retry_policy</c> stands for <c>retry</c> when <c>retry</c>
    /// is unset, so a configuration's <c>retry_policy</c> still wins over a profile's <c>retry</c>.
    /// </summary>
    public static Profile Merge(RunConfiguration configuration, Profile profile)
    {
        configuration = configuration with { Retry = EffectiveRetry(configuration) };
        var merged = profile with { Retry = EffectiveRetry(profile) };
        foreach (var property in ModelDescriptor.For(typeof(Profile)).Properties.Where(p => p.Property.DeclaringType == typeof(ProfileParameters)))
        {
            if (property.Property.GetValue(configuration) is { } value)
            {
                property.Property.SetValue(merged, value);
            }
        }

        return merged with { CreationPolicy = merged.CreationPolicy ?? CreationPolicy.ReuseOrCreate };
    }

    private static RetrySpec? EffectiveRetry(ProfileParameters parameters) => parameters switch
    {
        { Retry: { } retry } => retry,
        { RetryPolicy: { Retry: true } legacy } => RetrySpec.AllEvents with { Duration = legacy.Duration ?? new Duration(3600) },
        { RetryPolicy: { Retry: false } } => RetrySpec.Disabled,
        _ => null,
    };
}
