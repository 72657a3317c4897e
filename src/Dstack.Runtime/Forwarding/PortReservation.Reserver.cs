using System.Net;
using System.Net.Sockets;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Forwarding;

public sealed partial class PortReservation
{
    /// <summary>
    /// Resolves the mappings one by one, remembering which local ports are taken and what it has bound. With
    /// <c>remote</c> the job runs on another machine: every mapping is forwarded, <c>*:C</c> may take C itself, and
    /// no port the job listens on is checked here.
    /// </summary>
    private sealed class Reserver(IReadOnlyList<PortMapping> mappings, string host, IPAddress address, bool jobListening, bool remote = false)
    {
        private const int HighestPort = 65_535;
        private const int SuggestionRange = 100;

        /// <summary>Local ports chosen so far, with the mapping that chose each.</summary>
        private readonly Dictionary<int, PortMapping> _localPorts = [];

        public List<ReservedListener> Listeners { get; } = [];

        public ResolvedPort Resolve(PortMapping mapping) => mapping.LocalPort switch
        {
            null when remote => ForwardedAny(mapping, mapping.ContainerPort),
            { } local when remote => Forwarded(mapping, local),
            null when !_localPorts.ContainsKey(mapping.ContainerPort) => ServedByJob(mapping, mapping.ContainerPort),
            null => ForwardedAny(mapping, mapping.ContainerPort + 1),
            { } local when local == mapping.ContainerPort => ServedByJob(mapping, local),
            { } local => Forwarded(mapping, local),
        };

        /// <summary>The job listens on the port the user reaches: it must be free on 127.0.0.1 and on the host.</summary>
        private ResolvedPort ServedByJob(PortMapping mapping, int port)
        {
            CheckJobPort(mapping, port, IPAddress.Loopback, "127.0.0.1");
            if (!address.Equals(IPAddress.Loopback))
            {
                CheckJobPort(mapping, port, address, host);
            }

            _localPorts.TryAdd(port, mapping);
            return new ResolvedPort(port, port, Forwarded: false);
        }

        private ResolvedPort Forwarded(PortMapping mapping, int local)
        {
            if (!remote && mappings.FirstOrDefault(m => m.ContainerPort == local) is { } jobPort)
            {
                throw new PortUnavailableException(local, mapping, DiagnosticCodes.PortConflict,
                    $"local port {local} of mapping \"{mapping}\" is also a port the job listens on (mapping \"{jobPort}\"); " +
                    $"map another local port, e.g. \"*:{mapping.ContainerPort}\" for any free one");
            }

            if (_localPorts.TryGetValue(local, out var other))
            {
                throw new PortUnavailableException(local, mapping, DiagnosticCodes.PortConflict,
                    $"local port {local} is mapped twice (\"{other}\" and \"{mapping}\"); map each to its own local port, " +
                    $"e.g. \"*:{mapping.ContainerPort}\" for any free one");
            }

            CheckJobPort(mapping, mapping.ContainerPort, IPAddress.Loopback, "127.0.0.1");
            var listener = ListenAddress.TryListen(address, local, out var error)
                ?? throw LocalPortUnavailable(mapping, local, error);
            return Keep(mapping, local, listener);
        }

        private ResolvedPort ForwardedAny(PortMapping mapping, int from)
        {
            var container = mapping.ContainerPort;
            CheckJobPort(mapping, container, IPAddress.Loopback, "127.0.0.1");
            for (var port = from; port <= HighestPort; port++)
            {
                if (IsNamed(port))
                {
                    continue;
                }

                if (ListenAddress.TryListen(address, port, out var error) is { } listener)
                {
                    return Keep(mapping, port, listener);
                }

                if (error == SocketError.AddressNotAvailable)
                {
                    throw HostNotOnMachine(mapping, port);
                }
            }

            throw new PortUnavailableException(container, mapping, DiagnosticCodes.PortBusy,
                $"no local port from {from} to {HighestPort} is free on {host} (mapping \"{mapping}\"); " +
                "stop some of what listens there, or map the port explicitly with -p LOCAL:" + container);
        }

        private ResolvedPort Keep(PortMapping mapping, int local, Socket listener)
        {
            var resolved = new ResolvedPort(local, mapping.ContainerPort, Forwarded: true);
            Listeners.Add(new ReservedListener(resolved, listener));
            _localPorts.Add(local, mapping);
            return resolved;
        }

        /// <summary>
        /// A port another mapping uses, as a local port or as a port the job listens on (on this machine only; a remote
        /// job's ports are elsewhere, but an explicit local port later in the list must stay free for its mapping).
        /// </summary>
        private bool IsNamed(int port) =>
            _localPorts.ContainsKey(port) || mappings.Any(m => remote ? m.LocalPort == port : m.ContainerPort == port);

        private void CheckJobPort(PortMapping mapping, int port, IPAddress on, string onText)
        {
            if (jobListening || remote)
            {
                return;
            }

            using var probe = ListenAddress.TryListen(on, port, out var error);
            if (probe is not null)
            {
                return;
            }

            throw error switch
            {
                SocketError.AddressNotAvailable => HostNotOnMachine(mapping, port),
                SocketError.AccessDenied => new PortUnavailableException(port, mapping, DiagnosticCodes.PortBusy,
                    $"port {port}, which the job listens on (mapping \"{mapping}\"), needs administrator rights on this machine; " +
                    "make the job listen on a port above 1023 and change the mapping"),
                _ => new PortUnavailableException(port, mapping, DiagnosticCodes.PortBusy,
                    $"port {port} is already in use on {onText}, so the job cannot listen on it (mapping \"{mapping}\"); " +
                    "stop what uses it, or make the job listen on another port and change the mapping"),
            };
        }

        private PortUnavailableException LocalPortUnavailable(PortMapping mapping, int local, SocketError error)
        {
            var container = mapping.ContainerPort;
            var instead = Suggest(Math.Max(local, 1023) + 1) is { } free ? $"map another port with -p {free}:{container}" : "map another port";
            return error switch
            {
                SocketError.AddressNotAvailable => HostNotOnMachine(mapping, local),
                SocketError.AccessDenied => new PortUnavailableException(local, mapping, DiagnosticCodes.PortBusy,
                    $"local port {local} needs administrator rights on this machine (mapping \"{mapping}\"); " +
                    $"{instead}, or use \"*:{container}\" for any free port"),
                _ => new PortUnavailableException(local, mapping, DiagnosticCodes.PortBusy,
                    $"local port {local} is already in use on {host} (mapping \"{mapping}\"); stop what uses it, or {instead}, " +
                    $"or use \"*:{container}\" for any free port"),
            };
        }

        private PortUnavailableException HostNotOnMachine(PortMapping mapping, int port) =>
            new(port, mapping, DiagnosticCodes.PortBusy,
                $"cannot listen on {host} for port {port} (mapping \"{mapping}\"): it is not an address of this machine; " +
                "use --host 127.0.0.1 (this machine only) or --host 0.0.0.0 (every interface)");

        /// <summary>A free local port from <paramref name="from"/> up, for the message of a busy one.</summary>
        private int? Suggest(int from)
        {
            for (var port = from; port <= Math.Min(from + SuggestionRange, HighestPort); port++)
            {
                if (!IsNamed(port) && ListenAddress.TryListen(address, port, out _) is { } probe)
                {
                    probe.Dispose();
                    return port;
                }
            }

            return null;
        }
    }
}
