namespace Dstack.Runtime.Tests.Aws.Fake;

/// <summary>
/// An EC2 error the fake answers with: the code and message of the EC2 API reference's error list
/// (docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html) and its HTTP status (400 for client faults,
/// 401 for AuthFailure, 503 for RequestLimitExceeded and Unavailable).
/// </summary>
public sealed class FakeEc2Error : Exception
{
    public FakeEc2Error(string code, string message, int status = 400)
        : base(message)
    {
        Code = code;
        Status = status;
    }

    public string Code { get; }

    public int Status { get; }
}
