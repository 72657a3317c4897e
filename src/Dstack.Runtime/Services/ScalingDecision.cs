namespace Dstack.Runtime.Services;

/// <summary>What <see cref="ServiceScaler.Decide"/> said: the replica count to run and, when it differs from the wanted one or changes, why.</summary>
/// <param name="Replicas">The count to run now.</param>
/// <param name="Why">The reason in words, for the run's log; null when nothing changes or waits.</param>
public sealed record ScalingDecision(int Replicas, string? Why);
