namespace Dstack.Runtime.Tests.CloudFakes;

/// <summary>
/// Machines that are only addresses, for in-process tests: every instance is 127.0.0.1 and nothing is started. One
/// that should never answer SSH gets 192.0.2.1 (TEST-NET-1, RFC 5737: an address nothing answers on).
/// </summary>
public sealed class LoopbackMachines : IFakeMachineProvider
{
    public const string Address = "127.0.0.1";

    public const string UnreachableAddress = "192.0.2.1";

    private readonly List<FakeMachine> _released = [];

    /// <summary>The machines released so far, in order.</summary>
    public IReadOnlyList<FakeMachine> Released
    {
        get
        {
            lock (_released)
            {
                return [.. _released];
            }
        }
    }

    public FakeMachine Acquire(FakeMachineRequest request)
    {
        var address = request.Unreachable ? UnreachableAddress : Address;
        return new FakeMachine(request.InstanceId, address, address);
    }

    public void Release(FakeMachine machine)
    {
        lock (_released)
        {
            _released.Add(machine);
        }
    }
}
