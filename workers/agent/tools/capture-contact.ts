/**
 * capture_contact: saves the visitor's contact details for the agent's owner when the visitor
 * asks to be contacted. The ChatSession keeps them and queues them to the CRM
 * (`ctx.saveContact`), where they show on the conversation.
 *
 * Only what the visitor typed in this conversation is stored (visitor-typed.ts): each name,
 * email and phone must appear in the visitor's own messages, and the note may not carry an
 * email or phone number they did not type. Anything else is refused with a ToolError telling
 * the model to ask the visitor, so an instruction planted in a fetched page or a document
 * cannot make the agent store (or leak to the owner's CRM) someone else's address. The refusal
 * does not repeat the refused value: it would reach the visitor's step line.
 */
import { z } from "zod";
import { TOOL_ARGUMENTS, TOOL_DESCRIPTIONS, toolParameters } from "../../../shared/tools.ts";
import type { ToolArguments } from "../../../shared/tools.ts";
import { ToolError } from "./types.ts";
import type { AgentTool, CapturedContact, ToolContext, ToolOutcome } from "./types.ts";
import {
  MIN_PHONE_DIGITS,
  emailsIn,
  phoneNumbersIn,
  visitorTypedEmail,
  visitorTypedName,
  visitorTypedPhone,
} from "./visitor-typed.ts";

type Args = ToolArguments<"capture_contact">;

const PHONE_CHARACTERS = /^\+?[\d\s().\-/]+$/u;
const EmailSchema = z.email();

/**
 * Control characters and runs of whitespace become one space (a name or note is one line in
 * the CRM), then trimmed; empty is absent.
 */
function clean(value: string | undefined): string | undefined {
  const text = value?.replace(/[\s\p{Cc}]+/gu, " ").trim();
  return text ? text : undefined;
}

const askVisitor = (what: string) =>
  `The ${what} given was not typed by the visitor in this conversation. Only details the visitor ` +
  `typed themselves can be saved: ask the visitor for their ${what}, then call capture_contact ` +
  "with it exactly as they wrote it.";

/** The contact to store, or a ToolError saying what the model must fix. */
function checkedContact(args: Args, visitorMessages: readonly string[]): CapturedContact {
  const name = clean(args.name);
  const email = clean(args.email);
  const phone = clean(args.phone);
  const note = clean(args.note);
  if (name === undefined && email === undefined && phone === undefined)
    throw new ToolError(
      "Give at least one of name, email or phone, exactly as the visitor typed it in this conversation.",
    );
  if (email !== undefined) {
    if (!EmailSchema.safeParse(email).success)
      throw new ToolError(
        "The email is not a valid address: ask the visitor to check it, then call capture_contact again.",
      );
    if (!visitorTypedEmail(email, visitorMessages)) throw new ToolError(askVisitor("email"));
  }
  if (phone !== undefined) {
    if (!PHONE_CHARACTERS.test(phone) || phone.replace(/\D/gu, "").length < MIN_PHONE_DIGITS)
      throw new ToolError(
        `The phone is not a phone number (digits, spaces, + - . ( ) /, at least ${MIN_PHONE_DIGITS} digits): ask the visitor for it.`,
      );
    if (!visitorTypedPhone(phone, visitorMessages)) throw new ToolError(askVisitor("phone number"));
  }
  if (name !== undefined && !visitorTypedName(name, visitorMessages))
    throw new ToolError(askVisitor("name"));
  if (note !== undefined) {
    const foreignEmail = emailsIn(note).some((e) => !visitorTypedEmail(e, visitorMessages));
    const foreignPhone = phoneNumbersIn(note).some((d) => !visitorTypedPhone(d, visitorMessages));
    if (foreignEmail || foreignPhone)
      throw new ToolError(
        "The note contains an email address or phone number the visitor did not type in this " +
          "conversation. Write the note without it, in your own words about what the visitor wants.",
      );
  }
  return {
    ...(name !== undefined ? { name } : {}),
    ...(email !== undefined ? { email } : {}),
    ...(phone !== undefined ? { phone } : {}),
    ...(note !== undefined ? { note } : {}),
  };
}

const FIELD_LABELS = { name: "Name", email: "Email", phone: "Phone", note: "Note" } as const;

function lines(contact: CapturedContact): string[] {
  return (Object.keys(FIELD_LABELS) as (keyof typeof FIELD_LABELS)[]).flatMap((key) => {
    const value = contact[key];
    return value === undefined ? [] : [`${FIELD_LABELS[key]}: ${value}`];
  });
}

async function run(args: Args, ctx: ToolContext): Promise<ToolOutcome> {
  const contact = checkedContact(args, ctx.visitorMessages);
  await ctx.saveContact(contact);
  const saved = lines(contact);
  return {
    content:
      `Saved for ${ctx.agent.name}'s team: ${saved.join("; ")}. ` +
      "Tell the visitor their details were passed on; do not promise when they will be contacted.",
    summary: `Saved your contact details for ${ctx.agent.name}'s team`,
    detail: saved.join("\n"),
  };
}

export const captureContactTool: AgentTool<Args> = {
  spec: {
    name: "capture_contact",
    description: TOOL_DESCRIPTIONS.capture_contact,
    parameters: toolParameters(TOOL_ARGUMENTS.capture_contact),
  },
  args: TOOL_ARGUMENTS.capture_contact,
  describeCall: () => "Saving your contact details",
  run,
};
