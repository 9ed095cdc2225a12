#!/usr/bin/env escript
%%! -noshell
%% gen.escript DIR: writes the vectors of tests/h248/megaco/ with Erlang/OTP megaco's own text encoders.
%% Each source message below (H.248.1 text) is decoded by megaco_pretty_text_encoder and encoded again
%% by megaco_pretty_text_encoder and megaco_compact_text_encoder in versions 1, 2 and 3:
%% NAME-vN.pretty and NAME-vN.compact. Local and Remote carry sdp(local) and sdp(remote) (the unit
%% suite h248 asserts our model keeps exactly these octets). Run by hand when megaco changes; the
%% files are committed so the unit suite needs no Erlang.
main([Dir]) ->
    [gen(Dir, Name, V, Body) || {Name, Body} <- messages(), V <- [1, 2, 3]],
    ok.

sdp(local) -> "v=0\nc=IN IP4 $\nm=audio $ RTP/AVP 4\na=ptime:30";
sdp(remote) -> "v=0\nc=IN IP4 124.124.124.222\nm=audio 2222 RTP/AVP 4\na=ptime:30\na=recvonly".

messages() ->
    L = sdp(local), R = sdp(remote),
    [{"add-sdp",
      "Transaction = 9999 { Context = $ { Add = A4444 { Media { Stream = 1 { LocalControl { Mode = SendReceive },"
      " Local {\n" ++ L ++ "\n}, Remote {\n" ++ R ++ "\n} } }, Events = 2222 { al/on },"
      " Signals { cg/rt } }, Add = $ { Media { LocalControl { Mode = ReceiveOnly, nt/jit = 40 },"
      " Local {\n" ++ L ++ "\n} } } } }"},
     {"add-reply",
      "Reply = 9999 { Context = 2000 { Add = A4444, Add = A4445 { Media { Stream = 1 {"
      " Local {\n" ++ R ++ "\n} } } } } }"},
     {"modify",
      "Transaction = 10005 { Context = 2000 { Modify = A4444 { Media { Stream = 1 {"
      " LocalControl { Mode = SendOnly }, Remote {\n" ++ R ++ "\n} } } } } }"},
     {"modify-reply", "Reply = 10005 { Context = 2000 { Modify = A4444 } }"},
     {"subtract", "Transaction = 50003 { Context = 5000 { Subtract = A5555 { Audit { Statistics } } } }"},
     {"subtract-reply",
      "Reply = 50003 { Context = 5000 { Subtract = A5555 { Statistics { nt/os = 45123, nt/dur = 40 } } } }"},
     {"notify",
      "Transaction = 10000 { Context = - { Notify = A4444 { ObservedEvents = 2222 {"
      " 19990729T22000000:al/of } } } }"},
     {"notify-reply", "Reply = 10000 { Context = - { Notify = A4444 } }"},
     {"servicechange",
      "Transaction = 9998 { Context = - { ServiceChange = ROOT { Services { Method = Restart,"
      " Reason = \"901 Cold Boot\", ServiceChangeAddress = 55555, Profile = ResGW/1 } } } }"},
     {"servicechange-reply",
      "Reply = 9998 { Context = - { ServiceChange = ROOT { Services { ServiceChangeAddress = 55555 } } } }"},
     {"auditvalue",
      "Transaction = 50007 { Context = - { AuditValue = A4444 { Audit { Media, Packages } } } }"},
     {"auditvalue-reply",
      "Reply = 50007 { Context = - { AuditValue = A4444 { Media { TerminationState { ServiceStates = InService },"
      " Stream = 1 { LocalControl { Mode = SendReceive }, Local {\n" ++ L ++ "\n} } },"
      " Packages { nt-1, rtp-1 } } } }"},
     {"error-reply", "Reply = 9 { Error = 442 { \"Syntax error in command\" } }"},
     {"context-error-reply",
      "Reply = 10 { Context = 7 { Error = 411 { \"The transaction refers to an unknown ContextId\" } } }"},
     {"message-error", "Error = 400 { \"Syntax error in message\" }"},
     {"pending", "Pending = 11 { }"},
     {"response-ack", "TransactionResponseAck { 12, 14-16 }"}].

gen(Dir, Name, V, Body) ->
    Text = list_to_binary(io_lib:format("MEGACO/~b [124.124.124.222]:55555\n~s\n", [V, Body])),
    {ok, Msg} = megaco_pretty_text_encoder:decode_message([], V, Text),
    [begin
         {ok, Out} = Mod:encode_message([], V, Msg),
         ok = file:write_file(filename:join(Dir, io_lib:format("~s-v~b.~s", [Name, V, Form])), Out)
     end || {Form, Mod} <- [{pretty, megaco_pretty_text_encoder}, {compact, megaco_compact_text_encoder}]].
