using System.Net.Sockets;

namespace Dstack.Runtime.Containers;

public static partial class DockerEngine
{
    /// <summary>
    /// The engine of this machine, as <c>DOCKER_HOST</c> in <paramref name="environment"/> names it: a unix socket
    /// (<c>unix:///path</c> or nothing for <see cref="DefaultSocket"/>) or plain <c>tcp://host:port</c>. A TLS engine
    /// (<c>DOCKER_TLS_VERIFY</c>) and other schemes are refused with what to do.
    /// </summary>
    /// <exception cref="ContainerStartException">DOCKER_HOST names an engine this client cannot talk to.</exception>
    public static ContainerEngine Connect(IReadOnlyDictionary<string, string> environment)
    {
        var host = environment.GetValueOrDefault("DOCKER_HOST") is { Length: > 0 } set ? set.Trim() : DefaultSocket;
        if (host.StartsWith('/') || host.StartsWith("unix://", StringComparison.Ordinal))
        {
            var path = host.StartsWith('/') ? host : host["unix://".Length..];
            return new ContainerEngine(DockerApi.ForSocket(path), "this machine");
        }

        if (host.StartsWith("tcp://", StringComparison.Ordinal) && Uri.TryCreate(host, UriKind.Absolute, out var uri))
        {
            if (environment.GetValueOrDefault("DOCKER_TLS_VERIFY") is { Length: > 0 } tls && tls != "0")
            {
                throw new ContainerStartException($"DOCKER_HOST={host} with DOCKER_TLS_VERIFY: an engine behind TLS client certificates is not supported; use its unix socket (unset DOCKER_HOST), or forward it (ssh -L /tmp/docker.sock:/var/run/docker.sock) and set DOCKER_HOST=unix:///tmp/docker.sock");
            }

            var port = uri.Port > 0 ? uri.Port : 2375;
            return new ContainerEngine(new DockerApi(async cancellationToken =>
            {
                var client = new TcpClient();
                try
                {
                    await client.ConnectAsync(uri.Host, port, cancellationToken).ConfigureAwait(false);
                    return client.GetStream();
                }
                catch
                {
                    client.Dispose();
                    throw;
                }
            }, host), "this machine");
        }

        throw new ContainerStartException($"DOCKER_HOST={host}: only unix:// sockets and plain tcp:// engines are supported; unset DOCKER_HOST to use {DefaultSocket}, or forward the engine's socket to a local one (ssh -L /tmp/docker.sock:/var/run/docker.sock HOST) and set DOCKER_HOST=unix:///tmp/docker.sock");
    }
}
