using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Server;

namespace Dstack.LanguageServer.Tests.Server;

/// <summary>The <see cref="Lifecycle"/> state machine on its own, step by step.</summary>
[Trait("Category", "Fast")]
public sealed class LifecycleRulesTests
{
    [Fact]
    public void Uninitialized_OnlyInitializeAndExitPass()
    {
        var lifecycle = new Lifecycle();

        Assert.Equal(ErrorCodes.ServerNotInitialized, lifecycle.AdmitRequest("shutdown")?.Code);
        Assert.False(lifecycle.AdmitNotification("textDocument/didOpen"));
        Assert.True(lifecycle.AdmitNotification("exit"));
        Assert.Equal(1, lifecycle.ExitCode);
    }

    [Fact]
    public void Initializing_RefusesEverythingUntilInitializeEnds()
    {
        var lifecycle = new Lifecycle();

        Assert.Null(lifecycle.AdmitRequest("initialize"));

        Assert.Equal(LifecycleState.Initializing, lifecycle.State);
        Assert.Equal(ErrorCodes.InvalidRequest, lifecycle.AdmitRequest("initialize")?.Code);
        Assert.Equal(ErrorCodes.ServerNotInitialized, lifecycle.AdmitRequest("textDocument/diagnostic")?.Code);
        Assert.False(lifecycle.AdmitNotification("initialized"));
    }

    [Fact]
    public void FailedInitialize_MayBeSentAgain()
    {
        var lifecycle = new Lifecycle();
        lifecycle.AdmitRequest("initialize");

        lifecycle.CompleteInitialize(succeeded: false);

        Assert.Equal(LifecycleState.Uninitialized, lifecycle.State);
        Assert.Null(lifecycle.AdmitRequest("initialize"));
    }

    [Fact]
    public void Running_ThenShutdown_OnlyExitPassesAndTheExitCodeIsZero()
    {
        var lifecycle = new Lifecycle();
        lifecycle.AdmitRequest("initialize");
        lifecycle.CompleteInitialize(succeeded: true);
        Assert.Null(lifecycle.AdmitRequest("textDocument/diagnostic"));
        Assert.True(lifecycle.AdmitNotification("textDocument/didOpen"));
        Assert.Equal(1, lifecycle.ExitCode);

        Assert.Null(lifecycle.AdmitRequest("shutdown"));

        Assert.Equal(LifecycleState.ShutDown, lifecycle.State);
        Assert.Equal(ErrorCodes.InvalidRequest, lifecycle.AdmitRequest("textDocument/diagnostic")?.Code);
        Assert.Equal(ErrorCodes.InvalidRequest, lifecycle.AdmitRequest("shutdown")?.Code);
        Assert.Equal(ErrorCodes.InvalidRequest, lifecycle.AdmitRequest("initialize")?.Code);
        Assert.False(lifecycle.AdmitNotification("textDocument/didChange"));
        Assert.True(lifecycle.AdmitNotification("exit"));
        Assert.Equal(0, lifecycle.ExitCode);
    }
}
