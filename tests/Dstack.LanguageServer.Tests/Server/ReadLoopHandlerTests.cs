using Dstack.LanguageServer.Handlers;
using Dstack.LanguageServer.Protocol;
using Dstack.LanguageServer.Server;
using Dstack.LanguageServer.Tests.Support;

namespace Dstack.LanguageServer.Tests.Server;

/// <summary>Handlers that run on the reading loop (<see cref="IRequestHandler.RunsOnReadLoop"/>): no thread-pool hop, in order.</summary>
[Trait("Category", "Fast")]
public sealed class ReadLoopHandlerTests
{
    [Fact]
    public async Task OnReadLoopHandler_AnswersBeforeTheNextMessageIsHandled()
    {
        var onLoop = new TestMethods.OnReadLoopHandler();
        await using var client = await TestClient.InitializedAsync(TestMethods.Table(new TestMethods.WaitHandler(), onLoop));

        var first = client.RequestAsync(TestMethods.OnReadLoop, new { first = 1 }, 101);
        await onLoop.Started();
        var echo = client.RequestAsync(TestMethods.Echo, new { second = 2 }, 102);
        await Task.Delay(200);
        var echoedWhileHeld = echo.IsCompleted;
        onLoop.Release();

        Assert.False(echoedWhileHeld);
        Assert.Equal(1, (await first).GetProperty("result").GetProperty("first").GetInt32());
        Assert.Equal(2, (await echo).GetProperty("result").GetProperty("second").GetInt32());
    }

    [Theory]
    [InlineData(Methods.Completion, true)]
    [InlineData(Methods.Hover, true)]
    [InlineData(Methods.Formatting, false)]
    [InlineData(Methods.DocumentDiagnostic, false)]
    [InlineData(Methods.CodeAction, false)]
    public void DstackHandlers_OnlyQuickAnswersRunOnTheReadLoop(string method, bool onLoop)
    {
        var handler = DstackHandlers.Create().FindRequest(method);

        Assert.NotNull(handler);
        Assert.Equal(onLoop, handler.RunsOnReadLoop);
    }
}
