namespace Dstack.Runtime.Containers;

/// <summary>
/// An image reference as Docker reads it: <c>[REGISTRY/]REPOSITORY[:TAG][@DIGEST]</c>. The first part is a registry when
/// it holds a '.' or a ':', is <c>localhost</c> or has capitals; otherwise the image is on Docker Hub. No tag and no
/// digest means <c>latest</c>.
/// </summary>
public sealed record ImageReference(string Registry, string Repository, string Tag, string? Digest)
{
    /// <summary>Docker Hub's name in <c>registry_auth</c>'s server address, as the docker command sends it.</summary>
    public const string DockerHub = "docker.io";

    public static ImageReference Parse(string image)
    {
        var rest = image.Trim();
        string? digest = null;
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digest = rest[(at + 1)..];
            rest = rest[..at];
        }

        var slash = rest.LastIndexOf('/');
        var colon = rest.LastIndexOf(':');
        var tag = digest is null ? "latest" : string.Empty;
        if (colon > slash)
        {
            tag = rest[(colon + 1)..];
            rest = rest[..colon];
        }

        var first = rest.IndexOf('/', StringComparison.Ordinal);
        if (first > 0 && IsRegistry(rest[..first]))
        {
            // Docker Hub's other names are Docker Hub (its credentials, its server address).
            var registry = rest[..first] is "index.docker.io" or "registry-1.docker.io" ? DockerHub : rest[..first];
            return new ImageReference(registry, rest[(first + 1)..], tag, digest);
        }

        return new ImageReference(DockerHub, rest, tag, digest);
    }

    /// <summary>Whether an image name's first part names a registry: it holds a '.' or a ':', is <c>localhost</c>, or has
    /// capitals (repositories never do).</summary>
    private static bool IsRegistry(string part) =>
        part.Contains('.', StringComparison.Ordinal) || part.Contains(':', StringComparison.Ordinal) || part == "localhost" || part.Any(char.IsUpper);

    /// <summary>How messages name the registry: <c>Docker Hub</c>, or its host.</summary>
    public string RegistryDisplay => Registry == DockerHub ? "Docker Hub (docker.io)" : Registry;

    /// <summary>The <c>fromImage</c> of a pull: the repository with its registry, as written.</summary>
    public string FromImage => Registry == DockerHub ? Repository : $"{Registry}/{Repository}";

    /// <summary>The <c>tag</c> of a pull: the digest when there is one, else the tag.</summary>
    public string PullTag => Digest ?? Tag;
}
