using Dstack.Runtime.Backends;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.State;
using Dstack.Runtime.Yaml;

namespace Dstack.Runtime.Runs;

/// <summary>
/// The image a run without <c>image:</c> runs in, as dstack's <c>DSTACK_DEFAULT_IMAGE</c>: the environment variable
/// <see cref="Variable"/>, else the top-level <see cref="Key"/> of <c>$DSTACK_HOME/config.yml</c>. Without either, a
/// run without <c>image:</c> runs its commands on the machine itself (our deliberate difference: dstack always uses a
/// container, its own base image by default).
/// </summary>
/// <param name="Image">The image reference.</param>
/// <param name="Source">Where it was set, as the plan names it: <c>config.yml</c> or <c>DSTACK_DEFAULT_IMAGE</c>.</param>
public sealed record DefaultImage(string Image, string Source)
{
    /// <summary>The top-level key of config.yml.</summary>
    public const string Key = "default_image";

    /// <summary>The environment variable; it wins over config.yml.</summary>
    public const string Variable = "DSTACK_DEFAULT_IMAGE";

    /// <summary>How the plan names config.yml as the source.</summary>
    public const string ConfigSource = "config.yml";

    /// <summary>
    /// The default image of <paramref name="home"/> and <paramref name="environment"/>; null when none is set, or when
    /// the value set is not an image reference (the problem is added to <paramref name="diagnostics"/>, located in
    /// config.yml, or naming the variable).
    /// </summary>
    public static DefaultImage? Read(DstackHome home, IReadOnlyDictionary<string, string> environment, List<Diagnostic> diagnostics)
    {
        if (environment.GetValueOrDefault(Variable) is { } variable && !string.IsNullOrWhiteSpace(variable))
        {
            if (Problem(variable.Trim()) is { } problem)
            {
                diagnostics.Add(new Diagnostic(DiagnosticCodes.InvalidOption, DiagnosticSeverity.Error, $"{Variable}={variable}: {problem}; set it to an image such as python:3.12-slim, or unset it", SourceSpan.FileStart, null));
                return null;
            }

            return new DefaultImage(variable.Trim(), Variable);
        }

        // config.yml's own problems (its backends) are the backend registry's to report; only the key is looked at here.
        var config = BackendsConfig.Read(home.ConfigFile, new DiagnosticBag(home.ConfigFile));
        if (config.Root?[Key] is not { } node || node is YamlScalar { IsNull: true })
        {
            return null;
        }

        string? error = node is YamlScalar { Kind: ScalarKind.String } scalar ? Problem(scalar.Value.Trim()) : $"it is {node.Describe()}";
        if (error is not null)
        {
            diagnostics.Add(new Diagnostic(DiagnosticCodes.HostsConfigInvalid, DiagnosticSeverity.Error, $"`{Key}`: {error}; write the image jobs without `image:` run in, such as `{Key}: python:3.12-slim`, or remove the key", node.Span, home.ConfigFile));
            return null;
        }

        return new DefaultImage(((YamlScalar)node).Value.Trim(), ConfigSource);
    }

    /// <summary>Why <paramref name="image"/> is not an image reference; null when it is one.</summary>
    private static string? Problem(string image)
    {
        if (image.Length == 0)
        {
            return "it is empty";
        }

        if (image.FirstOrDefault(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '/' or ':' or '@')) is var bad && bad != default)
        {
            return $"\"{image}\" is not an image reference (it holds '{bad}'; a reference is [REGISTRY/]NAME[:TAG][@DIGEST])";
        }

        var reference = Containers.ImageReference.Parse(image);
        return reference.Repository.Length == 0 || reference.Repository.Any(char.IsAsciiLetterUpper) || (reference.Digest is null && reference.Tag.Length == 0)
            ? $"\"{image}\" is not an image reference (a repository name in lowercase, then an optional :TAG or @DIGEST)"
            : null;
    }
}
