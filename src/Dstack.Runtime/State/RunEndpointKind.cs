namespace Dstack.Runtime.State;

/// <summary>The kinds of <see cref="RunEndpoint"/>, as the state store and <c>dstack ps --json</c> name them.</summary>
public static class RunEndpointKind
{
    /// <summary>A service's published URL (<c>http://127.0.0.1:PORT/</c>): the endpoint in front of its replicas.</summary>
    public const string Service = "service";

    /// <summary>A dev environment's IDE link (<c>vscode://vscode-remote/ssh-remote+RUN/PATH</c>).</summary>
    public const string Ide = "ide";

    /// <summary>A dev environment's SSH host alias in the generated SSH config (<c>ssh RUN</c> connects).</summary>
    public const string Ssh = "ssh";
}
