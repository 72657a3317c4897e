namespace Dstack.LanguageServer.Runs;

/// <summary>Where the active run of a configuration is reached, as its controller published it (<c>run_endpoints</c>).</summary>
/// <param name="RunName">The run's name.</param>
/// <param name="ServiceUrl">A service's URL (<c>http://127.0.0.1:PORT/</c>); null until its first replica answers.</param>
/// <param name="IdeUrl">A dev environment's IDE link (<c>vscode://vscode-remote/ssh-remote+RUN/PATH</c>, <c>cursor://...</c>).</param>
/// <param name="SshHost">A dev environment's SSH host alias: <c>ssh RUN</c> connects.</param>
public sealed record LiveEndpoints(string RunName, string? ServiceUrl, string? IdeUrl, string? SshHost);
