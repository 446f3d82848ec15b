namespace Mem0Gateway.Privacy;

/// <summary>
/// Where a module that learns who is active (MCP, through a session's user) reports it, as the keyed hash from
/// <see cref="PersonalIdProtector.Hash64"/>: never the id. The active-user estimate implements it; the reporter does
/// not need to know it exists.
/// </summary>
public interface IUserActivityRecorder
{
    void RecordHash(string service, ulong hash);
}
