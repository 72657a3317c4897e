using System.Text.Json;
using Dstack.LanguageServer.Handlers;
using Dstack.LanguageServer.Server;

namespace Dstack.LanguageServer.Tests.Support;

/// <summary>Extra methods for tests of the session's machinery: a request that waits to be cancelled, handlers that throw, an echo.</summary>
public static class TestMethods
{
    public const string Wait = "test/wait";
    public const string Throw = "test/throw";
    public const string ThrowOnNotification = "test/throwOnNotification";
    public const string Echo = "test/echo";
    public const string Progress = "test/progress";
    public const string OnReadLoop = "test/onReadLoop";

    /// <summary>The dstack handlers plus the test methods; <paramref name="waiter"/> is the instance behind <see cref="Wait"/>.</summary>
    public static DispatchTable Table(WaitHandler waiter, OnReadLoopHandler? onReadLoop = null) => DstackHandlers.Create()
        .Add(waiter)
        .Add(onReadLoop ?? new OnReadLoopHandler())
        .Add(new ThrowingRequest())
        .Add(new ThrowingNotification())
        .Add(new EchoHandler())
        .Add(new ProgressHandler());

    /// <summary>Waits until its request is cancelled; <see cref="Started"/> tells when a request is inside the handler.</summary>
    public sealed class WaitHandler : IRequestHandler
    {
        private readonly SemaphoreSlim _started = new(0);

        public string Method => Wait;

        /// <summary>Completes when one more request has entered the handler.</summary>
        public Task Started() => _started.WaitAsync(Bounded.Limit);

        public async Task<JsonElement> HandleAsync(JsonElement? parameters, ServerContext context, CancellationToken cancellation)
        {
            _started.Release();
            await Task.Delay(Timeout.Infinite, cancellation);
            throw new InvalidOperationException("unreachable: the delay ends only by cancellation");
        }
    }

    /// <summary>Runs on the session's reading loop and blocks it until <see cref="Release"/> (or a time limit) lets it answer.</summary>
    public sealed class OnReadLoopHandler : IRequestHandler
    {
        private readonly ManualResetEventSlim _gate = new();
        private readonly SemaphoreSlim _started = new(0);

        public string Method => OnReadLoop;

        public bool RunsOnReadLoop => true;

        /// <summary>Completes when one more request has entered the handler.</summary>
        public Task Started() => _started.WaitAsync(Bounded.Limit);

        public void Release() => _gate.Set();

        public Task<JsonElement> HandleAsync(JsonElement? parameters, ServerContext context, CancellationToken cancellation)
        {
            _started.Release();
            _gate.Wait(Bounded.Limit, CancellationToken.None);
            return Task.FromResult(parameters ?? default);
        }
    }

    private sealed class ThrowingRequest : IRequestHandler
    {
        public string Method => Throw;

        public Task<JsonElement> HandleAsync(JsonElement? parameters, ServerContext context, CancellationToken cancellation) =>
            throw new InvalidOperationException("boom");
    }

    private sealed class ThrowingNotification : INotificationHandler
    {
        public string Method => ThrowOnNotification;

        public Task HandleAsync(JsonElement? parameters, ServerContext context) => throw new InvalidOperationException("bang");
    }

    private sealed class EchoHandler : IRequestHandler
    {
        public string Method => Echo;

        public Task<JsonElement> HandleAsync(JsonElement? parameters, ServerContext context, CancellationToken cancellation) =>
            Task.FromResult(parameters ?? default);
    }

    /// <summary>
    /// Work in <c>steps</c> steps with <see cref="WorkDoneProgress"/>, under the request's <c>workDoneToken</c> when it
    /// has one; throws after the first step when <c>fail</c> is true. Answers whether the client was shown the progress.
    /// </summary>
    private sealed class ProgressHandler : IRequestHandler
    {
        public string Method => Progress;

        public async Task<JsonElement> HandleAsync(JsonElement? parameters, ServerContext context, CancellationToken cancellation)
        {
            var request = parameters!.Value;
            var steps = request.GetProperty("steps").GetInt32();
            await using var progress = WorkDoneProgress.Start(context, request.TryGetProperty("workDoneToken", out var token) ? token : null);
            await progress.BeginAsync("Checking", $"0 of {steps}", 0, cancellation);
            var shown = progress.IsShown;
            for (var step = 1; step <= steps; step++)
            {
                if (step == 2 && request.TryGetProperty("fail", out var fail) && fail.GetBoolean())
                {
                    throw new InvalidOperationException("failed half way");
                }

                await progress.ReportAsync($"{step} of {steps}", step * 100 / steps);
            }

            await progress.EndAsync($"{steps} checked");
            return JsonSerializer.SerializeToElement(new Dictionary<string, bool> { ["shown"] = shown });
        }
    }
}
