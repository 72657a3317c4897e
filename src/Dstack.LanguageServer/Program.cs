using Dstack.LanguageServer.Handlers;
using Dstack.LanguageServer.Server;
using Dstack.LanguageServer.Transport;

// `dstack-language-server --stdio`: LSP on stdin and stdout. Only protocol goes to stdout; logs go to stderr.
return args switch
{
    ["--stdio"] => await RunStdioAsync(),
    ["--help"] or ["-h"] => Usage(Console.Out, 0),
    ["--version"] => PrintVersion(),
    _ => Usage(Console.Error, 2),
};

static async Task<int> RunStdioAsync()
{
    using var connection = Connection.Stdio();
    using var session = new ServerSession(connection, DstackHandlers.Create(), Console.Error);
    return await session.RunAsync();
}

static int Usage(TextWriter writer, int exitCode)
{
    writer.WriteLine("""
        usage: dstack-language-server --stdio

        A language server (LSP 3.17) for dstack configurations: *.dstack.yml, *.dstack.yaml,
        .dstack/profiles.yml and .dstack/workflows/*.yaml. It speaks the protocol on stdin and
        stdout and needs no settings; the editor starts it.

          --stdio     serve one client on stdin/stdout (exit code 0 after shutdown and exit, 1 otherwise)
          --version   print the version
          --help      print this text
        """);
    return exitCode;
}

static int PrintVersion()
{
    Console.Out.WriteLine($"dstack-language-server {ServerSession.Version}");
    return 0;
}
