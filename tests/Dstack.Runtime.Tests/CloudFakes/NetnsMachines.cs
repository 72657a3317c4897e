using Dstack.Runtime.Tests.Ssh;

namespace Dstack.Runtime.Tests.CloudFakes;

/// <summary>
/// Machines that are <see cref="NetnsHosts"/> hosts: each instance gets the next unused host (a network namespace
/// with a real sshd), whose sshd lets the instance's imported key in as <see cref="NetnsHosts.User"/>. Releasing kills
/// every process of the host, so a host is never handed out twice; with none left, <see cref="Acquire"/> throws
/// <see cref="FakeCapacityException"/>. A machine that should never answer SSH has its link cut: connections hang.
/// With <c>reuseAddresses</c>, a released host is handed out again, reinstalled (<see cref="NetnsHosts.Reinstall"/>):
/// the same address with a new host key, as EC2 gives a released address to a new instance.
/// </summary>
public sealed class NetnsMachines : IFakeMachineProvider
{
    private readonly NetnsHosts _hosts;
    private readonly Dictionary<string, int> _given = new(StringComparer.Ordinal);
    private readonly Queue<int>? _released;
    private int _next;

    /// <summary>Hands out the hosts of <paramref name="hosts"/>, which the caller disposes; released ones again with <paramref name="reuseAddresses"/>.</summary>
    public NetnsMachines(NetnsHosts hosts, bool reuseAddresses = false)
    {
        _hosts = hosts;
        _released = reuseAddresses ? new Queue<int>() : null;
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
        var reused = false;
        lock (_given)
        {
            if (_released is { Count: > 0 })
            {
                i = _released.Dequeue();
                reused = true;
            }
            else if (_next >= _hosts.Hosts.Count)
            {
                throw new FakeCapacityException($"all {_hosts.Hosts.Count} namespace hosts were handed out");
            }
            else
            {
                i = _next++;
            }

            _given.Add(request.InstanceId, i);
        }

        if (reused)
        {
            _hosts.Reinstall(i);
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
        var i = HostOf(machine.InstanceId);
        _hosts.KillHost(i);
        lock (_given)
        {
            _released?.Enqueue(i);
        }
    }
}
