namespace Dstack.Runtime.Tests.Azure;

/// <summary>Waits, bounded, for a condition another thread makes true.</summary>
internal static class AzureWait
{
    public static async Task UntilAsync(Func<bool> condition, string what, int seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within {seconds} s: {what}");
            await Task.Delay(20);
        }
    }
}
