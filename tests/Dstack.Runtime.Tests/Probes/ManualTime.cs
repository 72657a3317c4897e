namespace Dstack.Runtime.Tests.Probes;

/// <summary>A clock that moves only when a test moves it.</summary>
internal sealed class ManualTime : TimeProvider
{
    private DateTimeOffset _now = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Long enough for a probe on a busy machine, short enough for a test that hangs to fail soon.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    public void Advance(TimeSpan by) => _now += by;

    public override DateTimeOffset GetUtcNow() => _now;
}
