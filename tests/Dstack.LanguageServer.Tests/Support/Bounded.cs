using System.Diagnostics;

namespace Dstack.LanguageServer.Tests.Support;

/// <summary>Every wait in these tests has a limit, so that a server that hangs fails its test instead of the whole run.</summary>
public static class Bounded
{
    /// <summary>Generous for a busy 2-core CI machine; a healthy server answers in milliseconds.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    /// <summary>Polls until <paramref name="condition"/> holds; throws a <see cref="TimeoutException"/> naming <paramref name="what"/> past the limit.</summary>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? limit = null) => UntilAsync(condition, () => what, limit);

    /// <summary>As above; <paramref name="what"/> is only built when the wait fails (it may read state other threads write).</summary>
    public static async Task UntilAsync(Func<bool> condition, Func<string> what, TimeSpan? limit = null)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > (limit ?? Limit))
            {
                throw new TimeoutException($"waited {limit ?? Limit} for {what()}");
            }

            await Task.Delay(5);
        }
    }
}
