namespace Dstack.Runtime.Containers;

/// <summary>A failed pull in words: the image, its registry, what the engine said, and what to do about it.</summary>
public static class PullFailure
{
    /// <summary>
    /// What kind of failure the engine's message describes. The words are the engine's (Docker 20.10 and later) and the
    /// registry's as the engine passes them on, such as <c>unauthorized: authentication required</c> for refused
    /// credentials and <c>Head "http://HOST/v2/NAME/manifests/TAG": no basic auth credentials</c> for none.
    /// </summary>
    /// <param name="engineSaid">The engine's message.</param>
    /// <param name="withCredentials">Whether the pull carried <c>registry_auth</c>'s credentials.</param>
    public static PullFailureKind Classify(string engineSaid, bool withCredentials)
    {
        var said = engineSaid.ToLowerInvariant();
        bool Says(params string[] words) => words.Any(w => said.Contains(w, StringComparison.Ordinal));

        if (Says("toomanyrequests", "too many requests", "rate limit"))
        {
            return PullFailureKind.RateLimited;
        }

        if (Says("no basic auth credentials", "unauthorized", "authentication required", "incorrect username or password", "invalid username or password"))
        {
            return withCredentials ? PullFailureKind.CredentialsRefused : PullFailureKind.WantsCredentials;
        }

        if (Says("pull access denied", "denied"))
        {
            return PullFailureKind.Denied;
        }

        if (Says("manifest unknown", "not found", "does not exist", "name unknown"))
        {
            return PullFailureKind.NoSuchImage;
        }

        if (Says("server gave http response to https client"))
        {
            return PullFailureKind.PlainHttp;
        }

        if (Says("x509:", "certificate"))
        {
            return PullFailureKind.UntrustedCertificate;
        }

        if (Says("no such host", "dial tcp", "connection refused", "connection reset", "timeout", "network is unreachable", "no route to host", "tls handshake", "i/o timeout"))
        {
            return PullFailureKind.Unreachable;
        }

        return Says("invalid reference format", "invalid") ? PullFailureKind.InvalidReference : PullFailureKind.Other;
    }

    /// <summary>
    /// The message of a failed pull: <c>image: "NAME" could not be pulled from REGISTRY on HOST: ENGINE'S WORDS; WHAT TO DO</c>.
    /// Credentials appear only by user name.
    /// </summary>
    public static string Describe(string image, ImageReference reference, RegistryCredentials? auth, string engineSaid, string hostName)
    {
        var registry = reference.RegistryDisplay;
        var what = reference.Digest is { } digest ? $"the digest \"{digest}\"" : $"the tag \"{reference.Tag}\"";
        var hint = Classify(engineSaid, auth is not null) switch
        {
            PullFailureKind.WantsCredentials =>
                $"{registry} wants credentials for \"{reference.Repository}\": add registry_auth with username and password: ${{{{ env.NAME }}}} to the configuration, and pass the password with -e NAME=VALUE or the environment",
            PullFailureKind.CredentialsRefused =>
                $"{registry} refused the credentials of registry_auth (user \"{auth?.Username}\"): check registry_auth.username and the value of the password's variable",
            PullFailureKind.Denied => auth is null
                ? $"{registry} has no image \"{reference.Repository}\", or it is private: check the name and tag, or add registry_auth"
                : $"{registry} denied user \"{auth.Username}\" the image \"{reference.Repository}\", or has none of that name: check the name and tag, and that the user may read it",
            PullFailureKind.NoSuchImage =>
                $"{registry} has no image \"{reference.Repository}\" with {what}: check the name and the tag",
            PullFailureKind.Unreachable =>
                $"the engine on {hostName} cannot reach {registry}: check that the registry runs at that address and port, and that host's network (and proxy); or use an image it already has (docker images)",
            PullFailureKind.PlainHttp =>
                $"{registry} answers in plain HTTP, and the engine on {hostName} pulls from it only over HTTPS: serve the registry with TLS, or add \"{reference.Registry}\" to insecure-registries in that engine's daemon.json",
            PullFailureKind.UntrustedCertificate =>
                $"the engine on {hostName} does not trust the TLS certificate of {registry}: put its CA certificate in /etc/docker/certs.d/{reference.Registry}/ca.crt there",
            PullFailureKind.RateLimited =>
                $"{registry} limits the pulls from {hostName} for now: wait and run again, or add registry_auth (signed-in users get a higher limit)",
            PullFailureKind.InvalidReference =>
                "the name is not a valid image reference: write [REGISTRY/]NAME[:TAG], in lower case",
            _ => $"try `docker pull {image}` on {hostName} to see more",
        };

        return $"image: \"{image}\" could not be pulled from {registry} on {hostName}: {engineSaid.Trim().TrimEnd('.')}; {hint}";
    }
}
