namespace Dstack.Runtime.Containers;

/// <summary>A job's container could not be made or started (an image that cannot be pulled, a name in use, the engine's refusal); the message says why and what to do.</summary>
public sealed class ContainerStartException(string message) : Processes.JobStartException(message);
