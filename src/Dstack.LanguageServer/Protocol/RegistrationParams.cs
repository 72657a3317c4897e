namespace Dstack.LanguageServer.Protocol;

/// <summary>The params of <c>client/registerCapability</c>.</summary>
public sealed record RegistrationParams(IReadOnlyList<Registration> Registrations);
