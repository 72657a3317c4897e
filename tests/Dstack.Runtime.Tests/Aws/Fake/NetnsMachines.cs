using Dstack.Runtime.Tests.Ssh;

namespace Dstack.Runtime.Tests.Aws.Fake;

/// <summary>
/// Machines that are <see cref="NetnsHosts"/> hosts: each instance gets the next unused host (a network namespace
/// with a real sshd), whose sshd lets the instance's imported key in as <see cref="NetnsHosts.User"/>. Releasing kills
/// every process of the host, so a host is never handed out twice; with none left, <see cref="Acquire"/> throws
/// <see cref="FakeCapacityException"/>. A machine that should never answer SSH has its link cut: connections hang.
/// </summary>
public sealed class NetnsMachines : IFakeMachineProvider
{
    private readonly NetnsHosts _hosts;
    private readonly Dictionary<string, int> _given = new(StringComparer.Ordinal);
    private int _next;

    /// <summary>Hands out the hosts of <paramref name="hosts"/>, which the caller disposes.</summary>
    public NetnsMachines(NetnsHosts hosts)
    {
        _hosts = hosts;
    }

    /// <summary>The login user the hosts let in.</summary>
    public static string User => NetnsHosts.User;

    /// <summary>The index in <see cref="NetnsHosts.Hosts"/> of the host given to <paramref name="instanceId"/>.</summary>
    public int HostOf(string instanceId)
    {
        lock (_given)
        {
            return _given[instanceId];
        }
    }

    public FakeMachine Acquire(FakeMachineRequest request)
    {
        int i;
        lock (_given)
        {
            if (_next >= _hosts.Hosts.Count)
            {
                throw new FakeCapacityException($"all {_hosts.Hosts.Count} namespace hosts were handed out");
            }

            i = _next++;
            _given.Add(request.InstanceId, i);
        }

        if (request.PublicKey is not null)
        {
            _hosts.AuthorizeKey(i, request.PublicKey);
        }

        if (request.Unreachable)
        {
            _hosts.CutLink(i);
        }

        var address = _hosts.Hosts[i].Address;
        return new FakeMachine(request.InstanceId, address, address);
    }

    public void Release(FakeMachine machine)
    {
        _hosts.KillHost(HostOf(machine.InstanceId));
    }
}
