import type { FlowDefinition } from "../src/flows/definition";

/**
 * The flow every new workspace starts with, published once at sign-up. It is an ordinary flow: the
 * tenant can edit it on the flows page, and nothing in the engine knows it is special.
 */
export const DEFAULT_FLOW_NAME = "Default assistant";
export const DEFAULT_FLOW_DESCRIPTION =
  "Greets in the customer's language, hands off at once on P0/P1, anger or a request for a person, answers from knowledge, and offers a human otherwise.";

/**
 * What people write when they want a person, compared accent- and case-insensitively as substrings.
 * Kept as data in the flow (not code), so a workspace adds its own phrasings by editing the flow.
 */
export const HUMAN_REQUEST_PHRASES = [
  // en
  "talk to a human", "speak to a human", "talk to a person", "speak to a person", "talk to someone", "speak to someone",
  "real person", "human agent", "talk to an agent", "speak to an agent", "live agent", "talk to a representative",
  // es
  "hablar con una persona", "hablar con un humano", "hablar con un agente", "hablar con alguien", "hablar con un asesor",
  "hablar con un operador", "persona real",
  // pt
  "falar com um atendente", "falar com uma pessoa", "falar com um humano", "falar com alguem", "atendente humano",
  // fr
  "parler a un conseiller", "parler a une personne", "parler a un humain", "parler a quelqu'un", "parler a un agent",
  // de
  "mit einem menschen sprechen", "mit einem mitarbeiter sprechen", "mit jemandem sprechen", "echten menschen",
  // it
  "parlare con un operatore", "parlare con una persona", "parlare con un umano", "parlare con qualcuno", "operatore umano",
];

/** Intents (from any annotator or a workspace taxonomy) that mean "a person, please". */
export const HUMAN_REQUEST_INTENTS = ["human_request", "talk_to_human", "request_human", "agent_request"];

/**
 * A message of greetings only: one ("hola", "hi!"), or one followed by a second ("Hola, buenos días",
 * "hi there", "Bom dia, olá"). Spelled out rather than repeated with `+`: the engine refuses nested
 * quantifiers in customer-facing patterns (catastrophic backtracking).
 */
const GREETING_ONLY =
  "^[\\s¡!¿?.,]*(hola|buenas|buenos dias|buenos días|buenas tardes|buenas noches|hi|hello|hey|good morning|good afternoon|good evening|ola|olá|oi|bom dia|boa tarde|boa noite|bonjour|bonsoir|salut|hallo|guten tag|guten morgen|servus|moin|ciao|buongiorno|buonasera|salve)" +
  "([\\s¡!¿?.,]+(buenos d[ií]as|buenas (tardes|noches)|bom dia|boa (tarde|noite)|good (morning|afternoon|evening)|guten (tag|morgen)|hola|ol[aá]|hi|hello|there|everyone|bonjour|salut|ciao|buongiorno|hallo))?[\\s!.,]*$";

/**
 * A message that only thanks ("gracias!", "ok, thanks a lot", "Muito obrigada 🙏"): answered with a
 * "you're welcome", not searched for in knowledge nor met with the offer of a person.
 */
const THANKS_ONLY =
  "^[\\s¡!¿?.,]*((ok|okay|vale|perfecto|genial|listo|great|perfect|cool|super|ótimo|otimo|beleza|parfait|perfetto|ottimo|alles klar)[\\s!.,]+)?" +
  "(muchas gracias|mil gracias|gracias|thank you|thanks|thx|ty|muito obrigad[oa]|obrigad[oa]|valeu|merci beaucoup|merci|vielen dank|danke schön|danke|grazie mille|grazie)" +
  "([\\s!.,]+(a lot|so much|very much|de nuevo|por todo|por la ayuda|for the help|for your help|pela ajuda|pour tout|für alles|per tutto))?[\\s!.,:)😊🙏👍]*$";

export function defaultFlowDefinition(): FlowDefinition {
  return {
    start: "triage",
    nodes: {
      triage: {
        type: "condition",
        branches: [
          {
            when: {
              any: [
                { var: "priority", op: "in", value: ["P0", "P1"] },
                { var: "sentiment", op: "eq", value: "angry" },
                { var: "intent", op: "in", value: HUMAN_REQUEST_INTENTS },
                { var: "message.text", op: "contains", value: HUMAN_REQUEST_PHRASES },
              ],
            },
            next: "handoff",
          },
        ],
        else: "thanks_only",
      },
      thanks_only: { type: "condition", branches: [{ when: { var: "message.text", op: "matches", value: THANKS_ONLY }, next: "welcome" }], else: "first_contact" },
      welcome: {
        type: "message",
        text: {
          en: "You're welcome! Write to me any time if you need anything else.",
          es: "¡De nada! Escríbeme cuando necesites algo más.",
          pt: "De nada! Escreva quando precisar de mais alguma coisa.",
          fr: "Avec plaisir ! Écrivez-moi si vous avez besoin d'autre chose.",
          de: "Gern geschehen! Schreiben Sie mir jederzeit, wenn Sie noch etwas brauchen.",
          it: "Prego! Scrivimi quando hai bisogno di qualcos'altro.",
        },
        next: "done",
      },
      // Greeted once, a question goes straight to its answer; a bare greeting ("hola" again, the next
      // day) gets the greeting again rather than a knowledge search that cannot find anything.
      first_contact: {
        type: "condition",
        branches: [{ when: { all: [{ var: "vars.greeted", op: "exists" }, { not: { var: "message.text", op: "matches", value: GREETING_ONLY } }] }, next: "answer" }],
        else: "remember_greeting",
      },
      remember_greeting: { type: "set", assign: { greeted: true }, next: "greet" },
      greet: {
        type: "message",
        text: {
          en: "Hello! I'm the virtual assistant. How can I help you today?",
          es: "¡Hola! Soy el asistente virtual. ¿En qué puedo ayudarte hoy?",
          pt: "Olá! Sou o assistente virtual. Como posso ajudar você hoje?",
          fr: "Bonjour ! Je suis l'assistant virtuel. Comment puis-je vous aider aujourd'hui ?",
          de: "Hallo! Ich bin der virtuelle Assistent. Wie kann ich Ihnen heute helfen?",
          it: "Ciao! Sono l'assistente virtuale. Come posso aiutarti oggi?",
        },
        next: "only_greeting",
      },
      // A bare "hola" gets the greeting and nothing else; a real question goes on to be answered.
      only_greeting: { type: "condition", branches: [{ when: { var: "message.text", op: "matches", value: GREETING_ONLY }, next: "wait_for_question" }], else: "answer" },
      wait_for_question: { type: "end" },
      answer: { type: "knowledge_answer", next: "done", on_no_answer: "offer_human" },
      // An answer that is neither yes nor no goes through triage like a fresh message: a request for a
      // person ("quiero hablar con una persona") or an urgent or angry message is handed off at once, and
      // anything else is most likely a new question, answered from knowledge or met with this offer again
      // (the customer decides, not the bot).
      offer_human: {
        type: "ask",
        text: {
          en: "I couldn't find an answer to that. Would you like to talk to a person? (yes/no)",
          es: "No encontré una respuesta a eso. ¿Quieres hablar con una persona? (sí/no)",
          pt: "Não encontrei uma resposta para isso. Quer falar com uma pessoa? (sim/não)",
          fr: "Je n'ai pas trouvé de réponse. Voulez-vous parler à un conseiller ? (oui/non)",
          de: "Dazu habe ich keine Antwort gefunden. Möchten Sie mit einem Menschen sprechen? (ja/nein)",
          it: "Non ho trovato una risposta. Vuoi parlare con un operatore? (sì/no)",
        },
        save_as: "wants_human",
        validate: {
          one_of: {
            yes: ["yes", "y", "yeah", "yep", "sure", "please", "si", "sí", "claro", "vale", "sim", "quero", "oui", "ja", "jawohl", "gerne", "certo", "ok", "okay"],
            no: ["no", "n", "nope", "não", "nao", "non", "nein", "nee", "no grazie", "no thanks"],
          },
        },
        max_attempts: 1,
        on_invalid: "triage",
        timeout_s: 3600,
        on_timeout: "done",
        next: "offer_route",
      },
      offer_route: { type: "condition", branches: [{ when: { var: "vars.wants_human", op: "eq", value: "yes" }, next: "handoff" }], else: "no_thanks" },
      no_thanks: {
        type: "message",
        text: {
          en: "All right. Write to me any time if you need anything else.",
          es: "De acuerdo. Escríbeme cuando necesites algo más.",
          pt: "Tudo bem. Escreva quando precisar de mais alguma coisa.",
          fr: "D'accord. Écrivez-moi si vous avez besoin d'autre chose.",
          de: "Alles klar. Schreiben Sie mir jederzeit, wenn Sie noch etwas brauchen.",
          it: "Va bene. Scrivimi quando hai bisogno di qualcos'altro.",
        },
        next: "done",
      },
      handoff: {
        type: "message",
        text: {
          en: "I'm passing you to a person on our team. They'll reply here shortly.",
          es: "Te paso con una persona de nuestro equipo. Te responderá aquí en breve.",
          pt: "Vou transferir você para uma pessoa da nossa equipe. Ela responderá aqui em breve.",
          fr: "Je vous mets en relation avec un conseiller de notre équipe. Il vous répondra ici sous peu.",
          de: "Ich verbinde Sie mit einem Menschen aus unserem Team. Sie erhalten hier in Kürze eine Antwort.",
          it: "Ti passo a un operatore del nostro team. Ti risponderà qui a breve.",
        },
        next: "escalate",
      },
      escalate: { type: "escalate", reason: "Customer asked for a person, or the message was urgent or angry" },
      done: { type: "end" },
    },
  };
}
