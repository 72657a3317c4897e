namespace Dstack.Runtime.Containers;

/// <summary>Why a pull failed, read from the engine's words (<see cref="PullFailure.Classify"/>).</summary>
public enum PullFailureKind
{
    /// <summary>Something else: the engine's words are shown as they are.</summary>
    Other,

    /// <summary>The registry wants credentials and the pull had none (<c>no basic auth credentials</c>, <c>unauthorized</c>).</summary>
    WantsCredentials,

    /// <summary>The registry refused the credentials of <c>registry_auth</c> (<c>unauthorized: authentication required</c>).</summary>
    CredentialsRefused,

    /// <summary>Access denied: a private image, or none of that name (Docker Hub says both alike).</summary>
    Denied,

    /// <summary>The registry has no such repository or tag (<c>manifest unknown</c>, <c>not found</c>).</summary>
    NoSuchImage,

    /// <summary>The engine reached no registry there (<c>connection refused</c>, <c>no such host</c>, a timeout).</summary>
    Unreachable,

    /// <summary>The registry speaks plain HTTP and the engine wants HTTPS for it (not an insecure registry there).</summary>
    PlainHttp,

    /// <summary>The registry's TLS certificate is not trusted by the engine (<c>x509: ...</c>).</summary>
    UntrustedCertificate,

    /// <summary>The registry limits pulls (<c>toomanyrequests</c>).</summary>
    RateLimited,

    /// <summary>The name is not an image reference (<c>invalid reference format</c>).</summary>
    InvalidReference,
}
