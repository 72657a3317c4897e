namespace Dstack.Runtime.Containers;

/// <summary>
/// The Docker engine a host's jobs run under: its API (<see cref="Api"/>), how messages name it, and how to get it back
/// when it stops answering (a remote host's SSH link dropped; on this machine there is nothing to wait for).
/// </summary>
/// <param name="api">The engine's API client.</param>
/// <param name="hostName">The host, as logs name it: <c>this machine</c>, a pool host's name.</param>
/// <param name="recover">Waits for the engine to answer again after a dropped link: true when it does, false when the
/// host is lost. Null: an engine that stops answering is lost at once.</param>
public sealed class ContainerEngine(DockerApi api, string hostName, Func<CancellationToken, Task<bool>>? recover = null) : IDisposable
{
    public DockerApi Api { get; } = api;

    public string HostName { get; } = hostName;

    /// <summary>Why the engine was given up (the host's words); set when <see cref="RecoverAsync"/> said false.</summary>
    public string? LostReason { get; private set; }

    /// <summary>After a request found no engine: true once it answers again; false when it is lost (<see cref="LostReason"/>).</summary>
    public async Task<bool> RecoverAsync(string why, CancellationToken cancellationToken)
    {
        if (recover is not null && await recover(cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        LostReason ??= why;
        return false;
    }

    /// <summary>
    /// Makes sure the engine has <paramref name="image"/>, pulling it when it does not (as <c>docker run</c> does), with
    /// the pull's progress; returns the image's id (its digest on this engine).
    /// </summary>
    /// <exception cref="ContainerStartException">The pull failed; the message names the image, the registry and what to do.</exception>
    public async Task<string> EnsureImageAsync(string image, RegistryCredentials? auth, IProgress<ImagePullProgress>? progress, CancellationToken cancellationToken)
    {
        try
        {
            if (await Api.ImageIdAsync(image, cancellationToken).ConfigureAwait(false) is { } id)
            {
                return id;
            }

            var reference = ImageReference.Parse(image);
            try
            {
                // Said before the engine says anything: a registry that does not answer keeps the engine silent for long.
                progress?.Report(new ImagePullProgress(0, 0, 0, 0, "Pulling"));
                await Api.PullAsync(reference, auth, progress, cancellationToken).ConfigureAwait(false);
            }
            catch (DockerApiException e) when (e is not DockerEngineUnreachableException)
            {
                throw new ContainerStartException(PullFailure.Describe(image, reference, auth, e.Message, HostName));
            }

            return await Api.ImageIdAsync(image, cancellationToken).ConfigureAwait(false)
                ?? throw new ContainerStartException($"image: \"{image}\" was pulled on {HostName}, but the engine does not have it afterwards; try `docker pull {image}` there");
        }
        catch (DockerEngineUnreachableException e)
        {
            throw new ContainerStartException($"image: \"{image}\" needs the Docker engine on {HostName}, and {e.Message}; start Docker there, or remove image: to run the commands directly");
        }
        catch (DockerApiException e)
        {
            // Not a pull's failure (that one is described above): the engine refused to say whether it has the image.
            throw new ContainerStartException($"image: \"{image}\" could not be looked up on {HostName}: the Docker engine answered {Refusal(e)}; check that engine (docker info, docker image inspect {image}) there");
        }
        catch (IOException e)
        {
            throw new ContainerStartException($"image: \"{image}\" needs the Docker engine on {HostName}, and the engine's answer broke off ({e.Message}); check that Docker runs there");
        }
    }

    /// <summary>An engine's refusal in words: the request, the status and the engine's message.</summary>
    internal static string Refusal(DockerApiException e) => $"{e.Request ?? "a request"} with {(e.Status > 0 ? $"{e.Status}: " : string.Empty)}{e.Message}";

    public void Dispose() => Api.Dispose();
}
