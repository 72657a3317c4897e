namespace Dstack.Cli.Tests.Runs;

/// <summary>One step of a <see cref="PseudoTerminal"/> session: wait until the screen shows <see cref="WaitFor"/>, then type <see cref="Send"/>.</summary>
public sealed record TerminalStep(string WaitFor, string Send);
