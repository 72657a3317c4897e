namespace Dstack.Runtime.Tests.Aws.Fake;

/// <summary>
/// A fault a test asked for: the next <see cref="Remaining"/> calls to <see cref="Action"/> that <see cref="When"/>
/// accepts are answered with this error instead of being carried out.
/// </summary>
internal sealed class Ec2Fault
{
    public Ec2Fault(string action, string code, int status, string message, Func<Ec2Request, bool>? when, int times)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(times, 1);
        Action = action;
        Code = code;
        Status = status;
        Message = message;
        When = when;
        Remaining = times;
    }

    public string Action { get; }

    public string Code { get; }

    public int Status { get; }

    public string Message { get; }

    public Func<Ec2Request, bool>? When { get; }

    public int Remaining { get; set; }

    public bool Matches(Ec2Request request) =>
        Remaining > 0 && string.Equals(Action, request.Action, StringComparison.Ordinal) && (When is null || When(request));
}
