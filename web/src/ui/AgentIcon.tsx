/**
 * An agent's icon. Agents store a Lucide icon name (the templates use `concierge-bell`,
 * `life-buoy`…; owners pick from AGENT_ICONS). Each icon is imported on its own so the bundle
 * carries only these few, never the whole set; a name outside the list (older data, a typo)
 * draws the generic bot rather than printing the name as text.
 */
import BadgeDollarSign from "lucide-solid/icons/badge-dollar-sign";
import BookOpen from "lucide-solid/icons/book-open";
import Bot from "lucide-solid/icons/bot";
import Briefcase from "lucide-solid/icons/briefcase";
import CalendarDays from "lucide-solid/icons/calendar-days";
import ConciergeBell from "lucide-solid/icons/concierge-bell";
import GraduationCap from "lucide-solid/icons/graduation-cap";
import HeartPulse from "lucide-solid/icons/heart-pulse";
import House from "lucide-solid/icons/house";
import LifeBuoy from "lucide-solid/icons/life-buoy";
import MessageCircle from "lucide-solid/icons/message-circle";
import Scale from "lucide-solid/icons/scale";
import ShoppingBag from "lucide-solid/icons/shopping-bag";
import Sparkles from "lucide-solid/icons/sparkles";
import UserRound from "lucide-solid/icons/user-round";
import Utensils from "lucide-solid/icons/utensils";
import type { LucideIcon } from "lucide-solid";
import { Dynamic } from "solid-js/web";

/** The icons an owner can choose for an agent, by their stored name, with a label to show. */
export const AGENT_ICONS: readonly { name: string; label: string; icon: LucideIcon }[] = [
  { name: "bot", label: "Bot", icon: Bot },
  { name: "message-circle", label: "Chat", icon: MessageCircle },
  { name: "concierge-bell", label: "Reception", icon: ConciergeBell },
  { name: "badge-dollar-sign", label: "Sales", icon: BadgeDollarSign },
  { name: "life-buoy", label: "Support", icon: LifeBuoy },
  { name: "user-round", label: "Person", icon: UserRound },
  { name: "graduation-cap", label: "Education", icon: GraduationCap },
  { name: "book-open", label: "Documentation", icon: BookOpen },
  { name: "briefcase", label: "Business", icon: Briefcase },
  { name: "calendar-days", label: "Bookings", icon: CalendarDays },
  { name: "shopping-bag", label: "Shop", icon: ShoppingBag },
  { name: "house", label: "Property", icon: House },
  { name: "utensils", label: "Restaurant", icon: Utensils },
  { name: "heart-pulse", label: "Health", icon: HeartPulse },
  { name: "scale", label: "Legal", icon: Scale },
  { name: "sparkles", label: "Other", icon: Sparkles },
];

const BY_NAME = new Map(AGENT_ICONS.map((entry) => [entry.name, entry.icon]));

/** The component for a stored icon name; the generic bot for null or an unknown name. */
export function agentIconFor(name: string | null | undefined): LucideIcon {
  return (name && BY_NAME.get(name)) || Bot;
}

/**
 * The icon in a round badge. Decorative (aria-hidden): the agent's name is always next to it,
 * so a screen reader would only hear the name twice.
 */
export function AgentIcon(props: {
  name: string | null | undefined;
  size?: number;
  class?: string;
}) {
  return (
    <span
      class={`agent-icon${props.class ? ` ${props.class}` : ""}`}
      style={{ "--agent-icon-size": `${props.size ?? 40}px` }}
      aria-hidden="true"
    >
      <Dynamic component={agentIconFor(props.name)} size={(props.size ?? 40) * 0.55} />
    </span>
  );
}
