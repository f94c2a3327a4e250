/**
 * The emoji the client offers (the reaction picker, and `:shortcode:` in messages): a curated set of the
 * ones people use every day, each with its shortcode (the names Slack and GitHub use) and search words.
 * Any other single emoji (Unicode's RGI set) is still a valid reaction; this list is only what is offered.
 */
export interface EmojiEntry {
  char: string;
  /** Shortcode without colons: `thumbsup` is `:thumbsup:`. */
  name: string;
  /** More words the picker's search matches. */
  keywords: string;
  group: EmojiGroup;
}

export type EmojiGroup = 'Smileys' | 'People' | 'Nature' | 'Food' | 'Activities' | 'Objects' | 'Symbols';

export const EMOJI_GROUPS: readonly EmojiGroup[] = ['Smileys', 'People', 'Nature', 'Food', 'Activities', 'Objects', 'Symbols'];

// char, name, keywords; grouped below.
const TABLE: Record<EmojiGroup, [string, string, string][]> = {
  Smileys: [
    ['😀', 'grinning', 'smile happy'],
    ['😃', 'smiley', 'smile happy joy'],
    ['😄', 'smile', 'happy joy laugh'],
    ['😁', 'grin', 'smile teeth'],
    ['😆', 'laughing', 'satisfied laugh'],
    ['😅', 'sweat_smile', 'relief nervous'],
    ['🤣', 'rofl', 'rolling floor laughing'],
    ['😂', 'joy', 'tears laugh cry'],
    ['🙂', 'slightly_smiling_face', 'smile'],
    ['🙃', 'upside_down_face', 'silly sarcasm'],
    ['😉', 'wink', 'flirt'],
    ['😊', 'blush', 'smile proud shy'],
    ['😇', 'innocent', 'angel halo'],
    ['🥰', 'smiling_face_with_three_hearts', 'love adore'],
    ['😍', 'heart_eyes', 'love crush'],
    ['🤩', 'star_struck', 'wow amazed'],
    ['😘', 'kissing_heart', 'kiss love'],
    ['😋', 'yum', 'tasty delicious'],
    ['😛', 'stuck_out_tongue', 'tongue playful'],
    ['😜', 'stuck_out_tongue_winking_eye', 'crazy joke'],
    ['🤪', 'zany_face', 'crazy wild'],
    ['🤔', 'thinking', 'hmm consider'],
    ['🤨', 'raised_eyebrow', 'skeptical doubt'],
    ['😐', 'neutral_face', 'meh'],
    ['😑', 'expressionless', 'blank'],
    ['😶', 'no_mouth', 'silent speechless'],
    ['🙄', 'roll_eyes', 'eyeroll whatever'],
    ['😏', 'smirk', 'smug'],
    ['😬', 'grimacing', 'awkward yikes'],
    ['🤐', 'zipper_mouth_face', 'secret quiet'],
    ['😌', 'relieved', 'calm content'],
    ['😔', 'pensive', 'sad thoughtful'],
    ['😪', 'sleepy', 'tired'],
    ['😴', 'sleeping', 'sleep zzz'],
    ['🤒', 'face_with_thermometer', 'sick ill'],
    ['🤯', 'exploding_head', 'mind blown shocked'],
    ['🥳', 'partying_face', 'party celebrate birthday'],
    ['😎', 'sunglasses', 'cool'],
    ['🤓', 'nerd_face', 'geek'],
    ['😕', 'confused', 'puzzled'],
    ['😟', 'worried', 'concern'],
    ['😮', 'open_mouth', 'surprise wow'],
    ['😲', 'astonished', 'shocked amazed'],
    ['🥺', 'pleading_face', 'please puppy eyes'],
    ['😢', 'cry', 'sad tear'],
    ['😭', 'sob', 'cry sad'],
    ['😱', 'scream', 'fear horror'],
    ['😤', 'triumph', 'huff proud'],
    ['😡', 'rage', 'angry mad'],
    ['🤬', 'cursing_face', 'swear angry'],
    ['💀', 'skull', 'dead dying'],
    ['💩', 'poop', 'hankey'],
    ['🤡', 'clown_face', 'clown'],
    ['👻', 'ghost', 'boo halloween'],
    ['🤖', 'robot', 'bot machine'],
  ],
  People: [
    ['👍', 'thumbsup', '+1 yes like approve'],
    ['👎', 'thumbsdown', '-1 no dislike'],
    ['👌', 'ok_hand', 'okay perfect'],
    ['✌️', 'v', 'victory peace'],
    ['🤞', 'crossed_fingers', 'luck hope'],
    ['🤘', 'metal', 'rock horns'],
    ['🤙', 'call_me_hand', 'shaka hang loose'],
    ['👋', 'wave', 'hello hi bye'],
    ['👏', 'clap', 'applause bravo'],
    ['🙌', 'raised_hands', 'hooray celebrate'],
    ['🙏', 'pray', 'please thanks hope'],
    ['🤝', 'handshake', 'deal agreement'],
    ['💪', 'muscle', 'strong flex'],
    ['👀', 'eyes', 'look see watching'],
    ['🧠', 'brain', 'smart think'],
    ['👉', 'point_right', 'this right'],
    ['👆', 'point_up_2', 'this above'],
    ['☝️', 'point_up', 'one idea'],
    ['✋', 'raised_hand', 'stop high five'],
    ['🫡', 'saluting_face', 'salute respect yes sir'],
    ['🤷', 'shrug', 'whatever dunno'],
    ['🤦', 'facepalm', 'ugh disbelief'],
    ['🙋', 'raising_hand', 'me question'],
  ],
  Nature: [
    ['🐶', 'dog', 'puppy pet'],
    ['🐱', 'cat', 'kitten pet'],
    ['🦊', 'fox_face', 'fox'],
    ['🐻', 'bear', 'animal'],
    ['🐼', 'panda_face', 'panda'],
    ['🐸', 'frog', 'toad'],
    ['🐢', 'turtle', 'slow'],
    ['🐛', 'bug', 'insect defect'],
    ['🦄', 'unicorn', 'magic'],
    ['🐝', 'bee', 'honeybee'],
    ['🌱', 'seedling', 'plant grow'],
    ['🌵', 'cactus', 'desert'],
    ['🌸', 'cherry_blossom', 'flower spring'],
    ['🌈', 'rainbow', 'pride'],
    ['☀️', 'sunny', 'sun weather'],
    ['⛅', 'partly_sunny', 'cloud weather'],
    ['🌧️', 'cloud_with_rain', 'rain weather'],
    ['❄️', 'snowflake', 'cold winter'],
    ['⚡', 'zap', 'lightning fast'],
    ['🔥', 'fire', 'hot lit flame'],
    ['🌊', 'ocean', 'wave sea'],
    ['🌍', 'earth_africa', 'world globe'],
    ['🌙', 'crescent_moon', 'night'],
    ['⭐', 'star', 'favourite'],
  ],
  Food: [
    ['☕', 'coffee', 'cafe espresso'],
    ['🍵', 'tea', 'green drink'],
    ['🍺', 'beer', 'drink pub'],
    ['🍻', 'beers', 'cheers drinks'],
    ['🍷', 'wine_glass', 'wine drink'],
    ['🥂', 'clinking_glasses', 'cheers toast'],
    ['🍕', 'pizza', 'food slice'],
    ['🍔', 'hamburger', 'burger food'],
    ['🌮', 'taco', 'mexican food'],
    ['🍣', 'sushi', 'japanese fish'],
    ['🍜', 'ramen', 'noodles soup'],
    ['🍩', 'doughnut', 'donut sweet'],
    ['🍪', 'cookie', 'biscuit sweet'],
    ['🎂', 'birthday', 'cake party'],
    ['🍰', 'cake', 'dessert sweet'],
    ['🍎', 'apple', 'fruit red'],
    ['🍌', 'banana', 'fruit'],
    ['🥑', 'avocado', 'fruit'],
    ['🌶️', 'hot_pepper', 'spicy chili'],
    ['🍿', 'popcorn', 'movie snack'],
  ],
  Activities: [
    ['🎉', 'tada', 'party popper celebrate hooray'],
    ['🎊', 'confetti_ball', 'party celebrate'],
    ['🎈', 'balloon', 'party birthday'],
    ['🎁', 'gift', 'present birthday'],
    ['🏆', 'trophy', 'win award champion'],
    ['🥇', 'first_place_medal', 'gold winner'],
    ['⚽', 'soccer', 'football sport'],
    ['🏀', 'basketball', 'sport'],
    ['🎮', 'video_game', 'game play'],
    ['🎯', 'dart', 'target bullseye goal'],
    ['🎲', 'game_die', 'dice random'],
    ['🎵', 'musical_note', 'music song'],
    ['🎸', 'guitar', 'music rock'],
    ['🎨', 'art', 'paint design'],
    ['🚀', 'rocket', 'launch ship fast'],
    ['✈️', 'airplane', 'flight travel'],
    ['🚗', 'car', 'drive'],
    ['🏖️', 'beach_umbrella', 'vacation holiday'],
  ],
  Objects: [
    ['💡', 'bulb', 'idea light'],
    ['📌', 'pushpin', 'pin important'],
    ['📎', 'paperclip', 'attach'],
    ['📝', 'memo', 'note write'],
    ['📅', 'date', 'calendar schedule'],
    ['📈', 'chart_with_upwards_trend', 'growth up stonks'],
    ['📉', 'chart_with_downwards_trend', 'down decline'],
    ['📣', 'mega', 'announce megaphone'],
    ['🔔', 'bell', 'notification'],
    ['🔒', 'lock', 'secure private'],
    ['🔑', 'key', 'password access'],
    ['🔧', 'wrench', 'fix tool'],
    ['🔨', 'hammer', 'build tool'],
    ['⚙️', 'gear', 'settings config'],
    ['💻', 'computer', 'laptop code'],
    ['📱', 'iphone', 'phone mobile'],
    ['📦', 'package', 'box ship release'],
    ['💰', 'moneybag', 'money cash'],
    ['⏰', 'alarm_clock', 'time deadline'],
    ['⏳', 'hourglass_flowing_sand', 'wait pending'],
    ['🧪', 'test_tube', 'test experiment'],
    ['🧹', 'broom', 'cleanup sweep'],
    ['🗑️', 'wastebasket', 'trash delete'],
    ['📚', 'books', 'read docs library'],
  ],
  Symbols: [
    ['❤️', 'heart', 'love like red'],
    ['🧡', 'orange_heart', 'love'],
    ['💛', 'yellow_heart', 'love'],
    ['💚', 'green_heart', 'love'],
    ['💙', 'blue_heart', 'love'],
    ['💜', 'purple_heart', 'love'],
    ['🖤', 'black_heart', 'love'],
    ['💔', 'broken_heart', 'sad heartbreak'],
    ['💯', '100', 'hundred perfect score'],
    ['✅', 'white_check_mark', 'done yes check ok'],
    ['☑️', 'ballot_box_with_check', 'done check'],
    ['✔️', 'heavy_check_mark', 'done check'],
    ['❌', 'x', 'no cross wrong'],
    ['❗', 'exclamation', 'important bang'],
    ['❓', 'question', 'ask what'],
    ['⚠️', 'warning', 'caution alert'],
    ['🚫', 'no_entry_sign', 'forbidden stop'],
    ['⛔', 'no_entry', 'stop blocked'],
    ['🆗', 'ok', 'okay'],
    ['🆕', 'new', 'fresh'],
    ['🔴', 'red_circle', 'stop live'],
    ['🟢', 'green_circle', 'go online'],
    ['🟡', 'yellow_circle', 'wait'],
    ['➕', 'heavy_plus_sign', 'plus add'],
    ['➖', 'heavy_minus_sign', 'minus remove'],
    ['🔁', 'repeat', 'again loop retry'],
    ['💬', 'speech_balloon', 'comment chat talk'],
    ['✨', 'sparkles', 'shiny new magic'],
    ['💥', 'boom', 'collision crash'],
    ['💤', 'zzz', 'sleep'],
  ],
};

// Pure: a bundle that never uses the table leaves it out.
export const EMOJI: readonly EmojiEntry[] = /* @__PURE__ */ EMOJI_GROUPS.flatMap((group) =>
  TABLE[group].map(([char, name, keywords]) => ({ char, name, keywords, group })),
);

/** Shortcode (without colons) to its emoji. */
export const EMOJI_BY_NAME: ReadonlyMap<string, string> = /* @__PURE__ */ new Map(EMOJI.map((entry) => [entry.name, entry.char]));

/**
 * The entries matching a search: every word of `query` must begin a word of the entry's name or keywords
 * (or be the emoji itself). The best first: the name itself (`heart` is ❤️), then a whole word of the name,
 * then the start of one, then keywords; the table's order among equals.
 */
export function searchEmoji(query: string): EmojiEntry[] {
  const words = query
    .trim()
    .toLowerCase()
    .replace(/^:|:$/g, '')
    .split(/[\s_]+/)
    .filter(Boolean);
  if (words.length === 0) return [...EMOJI];
  const scored = EMOJI.flatMap((entry) => {
    const nameWords = entry.name.split('_');
    const allWords = [...nameWords, ...entry.keywords.split(' ')];
    if (!words.every((word) => word === entry.char || allWords.some((candidate) => candidate.startsWith(word)))) return [];
    const rank =
      entry.name === words.join('_')
        ? 0
        : words.every((word) => nameWords.includes(word))
          ? 1
          : words.every((word) => nameWords.some((candidate) => candidate.startsWith(word)))
            ? 2
            : 3;
    return [{ entry, rank }];
  });
  return scored.sort((a, b) => a.rank - b.rank).map((s) => s.entry);
}
