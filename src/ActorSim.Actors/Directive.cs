namespace ActorSim.Actors;

/// <summary>What a supervisor does with a child whose message processing threw.</summary>
public enum Directive
{
    /// <summary>Keep the child's state and continue with its next message (the failing message is dropped).</summary>
    Resume,

    /// <summary>Replace the child with a fresh instance from its factory; same mailbox and reference, failing message dropped, old children stopped.</summary>
    Restart,

    /// <summary>Stop the child and its subtree.</summary>
    Stop,

    /// <summary>Fail the supervisor itself with an <see cref="ActorFailedException"/>, so that its own parent decides.</summary>
    Escalate,
}
