namespace Dstack.Runtime.Containers;

/// <summary>A failed pull in words: the image, its registry, what the engine said, and what to do about it.</summary>
public static class PullFailure
{
    public static string Describe(string image, ImageReference reference, RegistryCredentials? auth, string engineSaid, string hostName)
    {
        var said = engineSaid.ToLowerInvariant();
        var registry = reference.RegistryDisplay;
        string hint;
        if (said.Contains("unauthorized", StringComparison.Ordinal) || said.Contains("authentication required", StringComparison.Ordinal) ||
            said.Contains("incorrect username or password", StringComparison.Ordinal) || said.Contains("no basic auth credentials", StringComparison.Ordinal))
        {
            hint = auth is null
                ? $"{registry} wants credentials: add registry_auth (username, and the password through ${{{{ env.NAME }}}})"
                : $"{registry} refused the credentials of registry_auth (user \"{auth.Username}\"): check registry_auth.username and the password's value";
        }
        else if (said.Contains("pull access denied", StringComparison.Ordinal) || said.Contains("denied", StringComparison.Ordinal))
        {
            hint = auth is null
                ? $"{registry} has no such image, or it is private: check the name and tag, or add registry_auth"
                : $"{registry} denied user \"{auth.Username}\" this image, or has none of that name: check the name and tag, and that the user may read it";
        }
        else if (said.Contains("manifest unknown", StringComparison.Ordinal) || said.Contains("not found", StringComparison.Ordinal) || said.Contains("does not exist", StringComparison.Ordinal))
        {
            hint = $"{registry} has no image \"{reference.Repository}\" with the tag \"{reference.PullTag}\": check the name and tag";
        }
        else if (said.Contains("no such host", StringComparison.Ordinal) || said.Contains("dial tcp", StringComparison.Ordinal) || said.Contains("connection refused", StringComparison.Ordinal) ||
            said.Contains("timeout", StringComparison.Ordinal) || said.Contains("network is unreachable", StringComparison.Ordinal) || said.Contains("tls", StringComparison.Ordinal))
        {
            hint = $"the engine on {hostName} cannot reach {registry}: check that host's network (and proxy), or use an image it already has (docker images)";
        }
        else if (said.Contains("invalid reference format", StringComparison.Ordinal) || said.Contains("invalid", StringComparison.Ordinal))
        {
            hint = "the name is not a valid image reference: write [REGISTRY/]NAME[:TAG], in lower case";
        }
        else
        {
            hint = $"try `docker pull {image}` on {hostName} to see more";
        }

        // A sentence starts with a capital, unless it starts with the registry's host name, which is written as it is.
        var sentence = hint.StartsWith(registry, StringComparison.Ordinal) ? hint : char.ToUpperInvariant(hint[0]) + hint[1..];
        return $"image: \"{image}\" could not be pulled from {registry} on {hostName}: {engineSaid.Trim()}. {sentence}";
    }
}
