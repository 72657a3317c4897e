namespace Dstack.Runtime.Tests.Aws;

/// <summary>Bounded polls for the AWS end-to-end tests.</summary>
internal static class AwsWait
{
    /// <summary>Polls <paramref name="condition"/> every 100 ms; fails naming <paramref name="what"/> after <paramref name="seconds"/>.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what, int seconds = 60)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"waited {seconds} s for {what}");
            await Task.Delay(100);
        }
    }

    /// <summary>Polls the async <paramref name="condition"/> every 200 ms; fails naming <paramref name="what"/> after <paramref name="seconds"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, int seconds = 60)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"waited {seconds} s for {what}");
            await Task.Delay(200);
        }
    }
}
