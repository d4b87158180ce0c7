namespace ActorSim.Actors;

/// <summary>A user message in a mailbox together with its sender.</summary>
internal readonly record struct Envelope(object Message, IActorRef? Sender);

/// <summary>Runtime-internal messages; processed before user messages, even while an actor is suspended.</summary>
internal abstract record SystemMessage;

/// <summary>Create the first actor instance.</summary>
internal sealed record CreateActor : SystemMessage { public static readonly CreateActor Instance = new(); }

/// <summary>Stop the actor (children first).</summary>
internal sealed record TerminateActor : SystemMessage { public static readonly TerminateActor Instance = new(); }

/// <summary>Supervisor decision: continue with the current instance.</summary>
internal sealed record ResumeActor : SystemMessage { public static readonly ResumeActor Instance = new(); }

/// <summary>Supervisor decision: replace the instance.</summary>
internal sealed record RestartActor(Exception Cause, object? Message) : SystemMessage;

/// <summary>Child to parent: I failed and am suspended until you decide.</summary>
internal sealed record ChildFailed(ActorCell Child, Exception Cause, Type? MessageType, object? Message, bool DuringStart) : SystemMessage;

/// <summary>Child to parent: I have stopped (PostStop done).</summary>
internal sealed record ChildTerminated(ActorCell Child) : SystemMessage;
