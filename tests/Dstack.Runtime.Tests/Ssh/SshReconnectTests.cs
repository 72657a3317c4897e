using Dstack.Runtime.Ssh;

namespace Dstack.Runtime.Tests.Ssh;

/// <summary>
/// The reconnect window of a host that stopped answering, and the provider's word that the machine is gone for good
/// (a spot instance taken back), which ends the wait at once instead of after the window.
/// </summary>
[Trait("Category", "Fast")]
public sealed class SshReconnectTests
{
    private static readonly TimeSpan LongWindow = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task MachineTheProviderSaysIsGone_IsLostAtTheFirstFailure_NotAfterTheWindow()
    {
        var asked = 0;
        var reconnect = new SshReconnect(LongWindow) { Gone = _ => Task.FromResult(++asked > 0) };

        Assert.False(await reconnect.WaitBeforeRetryAsync());
        Assert.True(reconnect.IsLost);
        Assert.Equal(1, asked);
        Assert.False(await reconnect.WaitBeforeRetryAsync());
        Assert.Equal(1, asked);
    }

    [Fact]
    public async Task MachineNotGone_IsRetried_AndTheProviderIsAskedAtMostOncePerInterval()
    {
        var asked = 0;
        var reconnect = new SshReconnect(LongWindow) { Gone = _ => Task.FromResult(++asked < 0), GoneCheckInterval = TimeSpan.FromHours(1) };

        Assert.True(await reconnect.WaitBeforeRetryAsync());
        Assert.True(await reconnect.WaitBeforeRetryAsync());

        Assert.False(reconnect.IsLost);
        Assert.Equal(1, asked);
    }

    [Fact]
    public async Task ProviderThatCannotBeAsked_LeavesItToTheWindow()
    {
        var reconnect = new SshReconnect(LongWindow) { Gone = _ => throw new HttpRequestException("EC2 could not be reached") };

        Assert.True(await reconnect.WaitBeforeRetryAsync());
        Assert.False(reconnect.IsLost);
    }

    [Fact]
    public async Task WithoutAProvider_TheHostIsLostOnlyAfterTheWindow()
    {
        var reconnect = new SshReconnect(TimeSpan.FromMilliseconds(200));

        Assert.True(await reconnect.WaitBeforeRetryAsync());
        Assert.False(await reconnect.WaitBeforeRetryAsync());
        Assert.True(reconnect.IsLost);
    }
}
