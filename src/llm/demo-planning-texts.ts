import type { Language } from '../protocol/index.ts';

/**
 * What the demo model writes for plans and design documents, in the five languages. Placeholders:
 * `{subject}` the bare subject ("online shop"), `{the}` with its article ("the online shop"),
 * `{of}` its "of" form ("of the online shop", "de la tienda", "du site"); in Chinese and Japanese
 * all three are the subject itself. Sentences are written so each form reads naturally.
 */

export type HeadingKey =
  | 'overview'
  | 'requirements'
  | 'features'
  | 'architecture'
  | 'data'
  | 'interfaces'
  | 'plan'
  | 'nonFunctional'
  | 'risks'
  | 'testing'
  | 'deployment';

export type StepKey = 'goals' | 'features' | 'architecture' | 'data' | 'risks' | 'build' | 'ship';

export type Domain = 'shop' | 'generic';

export interface PlanningTexts {
  title: string;
  fallbackSubject: string;
  /** Joins list items inside a sentence. */
  separator: string;
  headings: Record<HeadingKey, string>;
  overview: { quick: string; deep: string };
  requestsLead: string;
  steps: Record<StepKey, string>;
  features: Record<Domain, string[]>;
  components: {
    client: string;
    gateway: string;
    core: string;
    module: string;
    database: string;
    cache: string;
    queue: string;
  };
  entityHeader: [string, string, string];
  /** One purpose per entity of `ENTITIES[domain]`, in order. */
  entityPurposes: Record<Domain, string[]>;
  interfaceHeader: [string, string, string];
  /** One purpose per route of `ROUTES[domain]`, in order. */
  routePurposes: Record<Domain, string[]>;
  nonFunctional: string[];
  risks: string[];
  testing: string[];
  deployment: string[];
  planIntro: string;
  designIntro: { quick: string; deep: string };
  planReady: string;
  designReady: string;
  designSaved: string;
}

/** Entities of the data model: name and main fields, the same in every language. */
export const ENTITIES: Record<Domain, Array<[string, string]>> = {
  shop: [
    ['User', 'id, email, name, password_hash'],
    ['Product', 'id, name, price, stock, category'],
    ['Cart', 'id, user_id, items'],
    ['Order', 'id, user_id, items, total, status'],
    ['Payment', 'id, order_id, amount, provider, status'],
  ],
  generic: [
    ['User', 'id, email, name, role'],
    ['Item', 'id, owner_id, title, status, created_at'],
    ['Event', 'id, item_id, type, created_at'],
  ],
};

export const ROUTES: Record<Domain, Array<[string, string]>> = {
  shop: [
    ['GET', '/api/products'],
    ['GET', '/api/products/{id}'],
    ['POST', '/api/cart/items'],
    ['POST', '/api/orders'],
    ['POST', '/api/payments'],
    ['GET', '/api/orders'],
  ],
  generic: [
    ['POST', '/api/users'],
    ['POST', '/api/auth/login'],
    ['GET', '/api/items'],
    ['POST', '/api/items'],
    ['PATCH', '/api/items/{id}'],
    ['GET', '/api/reports'],
  ],
};

export const PLANNING_TEXTS: Record<Language, PlanningTexts> = {
  en: {
    title: 'Design: {subject}',
    fallbackSubject: 'system',
    separator: ', ',
    headings: {
      overview: 'Overview',
      requirements: 'Requirements',
      features: 'Features',
      architecture: 'Architecture and components',
      data: 'Data model',
      interfaces: 'Interfaces',
      plan: 'Implementation plan',
      nonFunctional: 'Non-functional requirements',
      risks: 'Risks',
      testing: 'Testing',
      deployment: 'Deployment',
    },
    overview: {
      quick:
        'This document gives a compact design {of}: what it does, how it is built and in which order to build it.',
      deep: 'This document gives an in-depth design {of}: what it does, how it is built, how it stays reliable and secure, and in which order to build, test and deploy it.',
    },
    requestsLead: 'The requirements, in the words they were given:',
    steps: {
      goals: 'Clarify the goals and the users {of}',
      features: 'Define the core features: {features}',
      architecture: 'Design the architecture and split it into components',
      data: 'Design the data model and the interfaces',
      risks: 'Assess security, performance and the main risks',
      build: 'Build a first version (MVP) and review it with users',
      ship: 'Test, deploy and monitor {the}',
    },
    features: {
      shop: [
        'Product catalogue with search and categories',
        'Shopping cart',
        'Checkout and order management',
        'Online payments',
        'User accounts and order history',
        'Back office for products, stock and orders',
      ],
      generic: [
        'User accounts and permissions',
        'The core workflows {of}',
        'Search and lists',
        'Notifications',
        'Administration and reports',
      ],
    },
    components: {
      client: 'Web and mobile client: the user interface {of}',
      gateway: 'API gateway: authentication, rate limits and routing',
      core: 'Application service: the business rules {of}',
      module: 'Module for {wish}',
      database: 'PostgreSQL database: the system of record',
      cache: 'Redis cache: sessions and frequently read data',
      queue: 'Message queue: e-mails, notifications and other background jobs',
    },
    entityHeader: ['Entity', 'Main fields', 'Purpose'],
    entityPurposes: {
      shop: [
        'a customer or an administrator',
        'an item for sale',
        'what a customer is about to buy',
        'a confirmed purchase',
        'the payment of an order',
      ],
      generic: ['a person using {the}', 'the main record {the} manages', 'the history of changes'],
    },
    interfaceHeader: ['Method', 'Path', 'Purpose'],
    routePurposes: {
      shop: [
        'list and search products',
        'show one product',
        'add to the cart',
        'place an order from the cart',
        'pay an order',
        'order history',
      ],
      generic: [
        'register a user',
        'log in',
        'list records',
        'create a record',
        'change a record',
        'see reports',
      ],
    },
    nonFunctional: [
      'Performance: 95 % of requests answered within 300 ms',
      'Availability: 99.9 %, with no single point of failure',
      'Security: HTTPS everywhere, hashed passwords, least-privilege access',
      'Scalability: stateless services behind a load balancer',
      'Privacy: only the personal data that is needed, deleted on request',
    ],
    risks: [
      'Unclear requirements: review the plan with users early',
      'Traffic peaks: load-test and scale out before launch',
      'Outages of external services (payments, e-mail): time-outs, retries and clear messages',
      'Data loss: daily backups and tested restores',
    ],
    testing: [
      'Unit tests for the business rules',
      'Integration tests for the API and the database',
      'End-to-end tests of the main user journeys',
      'Load tests before each release',
    ],
    deployment: [
      'Containers built by CI on every change',
      'A staging environment that mirrors production',
      'Rolling deployments with health checks and quick rollback',
      'Logs, metrics and alerts from day one',
    ],
    planIntro: 'Sure. First, a short plan for {the}.',
    designIntro: {
      quick: 'The plan has {count} steps. Next, the design document.',
      deep: 'The plan has {count} steps. Next, an in-depth design document.',
    },
    planReady: 'Here is the plan:\n\n{plan}',
    designReady: 'The design document “{title}” is ready, with {count} sections: {sections}.',
    designSaved: ' A copy is saved as {path}.',
  },
  zh: {
    title: '{subject}设计文档',
    fallbackSubject: '该系统',
    separator: '、',
    headings: {
      overview: '概述',
      requirements: '需求',
      features: '功能',
      architecture: '架构与组件',
      data: '数据模型',
      interfaces: '接口',
      plan: '实施计划',
      nonFunctional: '非功能需求',
      risks: '风险',
      testing: '测试',
      deployment: '部署',
    },
    overview: {
      quick: '本文档给出{of}的简要设计：它做什么、如何构建，以及按什么顺序构建。',
      deep: '本文档给出{of}的深入设计：它做什么、如何构建、如何保证可靠与安全，以及按什么顺序构建、测试和部署。',
    },
    requestsLead: '需求原文如下：',
    steps: {
      goals: '明确{of}的目标和用户',
      features: '确定核心功能：{features}',
      architecture: '设计系统架构并划分组件',
      data: '设计数据模型和接口',
      risks: '评估安全、性能和主要风险',
      build: '构建第一个版本（MVP）并与用户一起评审',
      ship: '测试、部署并监控{the}',
    },
    features: {
      shop: [
        '商品目录，支持搜索和分类',
        '购物车',
        '下单与订单管理',
        '在线支付',
        '用户账户与订单历史',
        '管理后台：商品、库存和订单',
      ],
      generic: ['用户账户与权限', '{of}的核心业务流程', '搜索与列表', '消息通知', '管理与报表'],
    },
    components: {
      client: '网页和移动客户端：{of}的用户界面',
      gateway: 'API 网关：认证、限流和路由',
      core: '应用服务：{of}的业务规则',
      module: '{wish}模块',
      database: 'PostgreSQL 数据库：权威数据存储',
      cache: 'Redis 缓存：会话和热点数据',
      queue: '消息队列：邮件、通知等后台任务',
    },
    entityHeader: ['实体', '主要字段', '用途'],
    entityPurposes: {
      shop: ['顾客或管理员', '在售商品', '顾客准备购买的商品', '已确认的购买', '订单的支付记录'],
      generic: ['使用{the}的人', '{the}管理的主要记录', '变更历史'],
    },
    interfaceHeader: ['方法', '路径', '用途'],
    routePurposes: {
      shop: ['列出和搜索商品', '查看商品详情', '加入购物车', '用购物车下单', '支付订单', '查看订单历史'],
      generic: ['注册用户', '登录', '列出记录', '创建记录', '修改记录', '查看报表'],
    },
    nonFunctional: [
      '性能：95% 的请求在 300 毫秒内响应',
      '可用性：99.9%，没有单点故障',
      '安全：全程 HTTPS、密码哈希存储、最小权限访问',
      '可扩展性：无状态服务部署在负载均衡之后',
      '隐私：只保存必要的个人数据，并可按要求删除',
    ],
    risks: [
      '需求不清：尽早与用户一起评审计划',
      '流量高峰：上线前做压力测试并扩容',
      '外部服务（支付、邮件）故障：设置超时、重试和清晰的提示',
      '数据丢失：每日备份并定期演练恢复',
    ],
    testing: [
      '业务规则的单元测试',
      'API 与数据库的集成测试',
      '主要用户流程的端到端测试',
      '每次发布前的压力测试',
    ],
    deployment: [
      '每次变更由 CI 构建容器镜像',
      '与生产环境一致的预发布环境',
      '带健康检查的滚动发布，可快速回滚',
      '从第一天起就有日志、指标和告警',
    ],
    planIntro: '好的，我先为{the}制定一个简短的计划。',
    designIntro: {
      quick: '计划共 {count} 步。接下来撰写设计文档。',
      deep: '计划共 {count} 步。接下来撰写详细的设计文档。',
    },
    planReady: '计划如下：\n\n{plan}',
    designReady: '设计文档《{title}》已完成，共 {count} 个章节：{sections}。',
    designSaved: '副本已保存为 {path}。',
  },
  ja: {
    title: '{subject} 設計書',
    fallbackSubject: 'このシステム',
    separator: '、',
    headings: {
      overview: '概要',
      requirements: '要件',
      features: '機能',
      architecture: 'アーキテクチャとコンポーネント',
      data: 'データモデル',
      interfaces: 'インターフェース',
      plan: '実装計画',
      nonFunctional: '非機能要件',
      risks: 'リスク',
      testing: 'テスト',
      deployment: 'デプロイ',
    },
    overview: {
      quick:
        'この文書は{of}の簡潔な設計を示します。何をするのか、どう作るのか、どの順番で作るのかをまとめます。',
      deep: 'この文書は{of}の詳細な設計を示します。何をするのか、どう作るのか、どう信頼性と安全性を保つのか、そしてどの順番で作り、テストし、デプロイするのかをまとめます。',
    },
    requestsLead: '受け取った要件は次のとおりです：',
    steps: {
      goals: '{of}の目的と利用者を明確にする',
      features: 'コア機能を決める：{features}',
      architecture: 'アーキテクチャを設計し、コンポーネントに分割する',
      data: 'データモデルとインターフェースを設計する',
      risks: 'セキュリティ、性能、主なリスクを評価する',
      build: '最初のバージョン（MVP）を作り、利用者とレビューする',
      ship: '{the}をテストし、デプロイし、監視する',
    },
    features: {
      shop: [
        '検索とカテゴリ付きの商品カタログ',
        'ショッピングカート',
        '注文手続きと注文管理',
        'オンライン決済',
        'ユーザーアカウントと注文履歴',
        '商品・在庫・注文の管理画面',
      ],
      generic: [
        'ユーザーアカウントと権限',
        '{of}の中心となる業務フロー',
        '検索と一覧',
        '通知',
        '管理とレポート',
      ],
    },
    components: {
      client: 'Web・モバイルクライアント：{of}のユーザーインターフェース',
      gateway: 'API ゲートウェイ：認証、レート制限、ルーティング',
      core: 'アプリケーションサービス：{of}の業務ルール',
      module: '{wish}モジュール',
      database: 'PostgreSQL データベース：正となるデータの保存先',
      cache: 'Redis キャッシュ：セッションと頻繁に読むデータ',
      queue: 'メッセージキュー：メールや通知などのバックグラウンド処理',
    },
    entityHeader: ['エンティティ', '主なフィールド', '用途'],
    entityPurposes: {
      shop: [
        '顧客または管理者',
        '販売する商品',
        '顧客が購入しようとしている商品',
        '確定した購入',
        '注文の支払い',
      ],
      generic: ['{the}を使う人', '{the}が管理する主なレコード', '変更履歴'],
    },
    interfaceHeader: ['メソッド', 'パス', '用途'],
    routePurposes: {
      shop: ['商品の一覧と検索', '商品の詳細', 'カートに追加', 'カートから注文', '注文の支払い', '注文履歴'],
      generic: ['ユーザー登録', 'ログイン', 'レコードの一覧', 'レコードの作成', 'レコードの更新', 'レポート'],
    },
    nonFunctional: [
      '性能：リクエストの 95% に 300 ミリ秒以内で応答する',
      '可用性：99.9%、単一障害点を作らない',
      'セキュリティ：すべて HTTPS、パスワードはハッシュで保存、最小権限',
      '拡張性：ステートレスなサービスをロードバランサーの背後に置く',
      'プライバシー：個人データは必要最小限にし、求めに応じて削除する',
    ],
    risks: [
      '要件が曖昧：早い段階で利用者と計画をレビューする',
      'アクセス集中：公開前に負荷試験を行い、スケールアウトする',
      '外部サービス（決済、メール）の障害：タイムアウト、再試行、わかりやすいメッセージ',
      'データ消失：毎日のバックアップと復元の訓練',
    ],
    testing: [
      '業務ルールの単体テスト',
      'API とデータベースの結合テスト',
      '主要な利用シナリオの E2E テスト',
      'リリースごとの負荷テスト',
    ],
    deployment: [
      '変更のたびに CI でコンテナをビルドする',
      '本番と同じ構成のステージング環境',
      'ヘルスチェック付きのローリングデプロイと迅速なロールバック',
      '初日からログ、メトリクス、アラートを整える',
    ],
    planIntro: '承知しました。まず{of}の簡単な計画を立てます。',
    designIntro: {
      quick: '計画は {count} ステップです。次に設計書を書きます。',
      deep: '計画は {count} ステップです。次に詳細な設計書を書きます。',
    },
    planReady: '計画は次のとおりです：\n\n{plan}',
    designReady: '設計書「{title}」ができました。{count} 章の構成です：{sections}。',
    designSaved: 'コピーを {path} に保存しました。',
  },
  es: {
    title: 'Diseño: {subject}',
    fallbackSubject: 'sistema',
    separator: ', ',
    headings: {
      overview: 'Resumen',
      requirements: 'Requisitos',
      features: 'Funcionalidades',
      architecture: 'Arquitectura y componentes',
      data: 'Modelo de datos',
      interfaces: 'Interfaces',
      plan: 'Plan de implementación',
      nonFunctional: 'Requisitos no funcionales',
      risks: 'Riesgos',
      testing: 'Pruebas',
      deployment: 'Despliegue',
    },
    overview: {
      quick:
        'Este documento presenta un diseño breve {of}: qué hace, cómo se construye y en qué orden construirlo.',
      deep: 'Este documento presenta un diseño en profundidad {of}: qué hace, cómo se construye, cómo se mantiene fiable y seguro, y en qué orden construirlo, probarlo y desplegarlo.',
    },
    requestsLead: 'Los requisitos, tal como se formularon:',
    steps: {
      goals: 'Aclarar los objetivos y los usuarios {of}',
      features: 'Definir las funcionalidades principales: {features}',
      architecture: 'Diseñar la arquitectura y dividirla en componentes',
      data: 'Diseñar el modelo de datos y las interfaces',
      risks: 'Evaluar la seguridad, el rendimiento y los riesgos principales',
      build: 'Construir una primera versión (MVP) y revisarla con los usuarios',
      ship: 'Probar, desplegar y supervisar {the}',
    },
    features: {
      shop: [
        'Catálogo de productos con búsqueda y categorías',
        'Carrito de compra',
        'Proceso de compra y gestión de pedidos',
        'Pagos en línea',
        'Cuentas de usuario e historial de pedidos',
        'Panel de administración de productos, stock y pedidos',
      ],
      generic: [
        'Cuentas de usuario y permisos',
        'Los flujos principales {of}',
        'Búsqueda y listados',
        'Notificaciones',
        'Administración e informes',
      ],
    },
    components: {
      client: 'Cliente web y móvil: la interfaz de usuario {of}',
      gateway: 'Pasarela de API: autenticación, límites de uso y enrutamiento',
      core: 'Servicio de aplicación: las reglas de negocio {of}',
      module: 'Módulo de {wish}',
      database: 'Base de datos PostgreSQL: la fuente de verdad',
      cache: 'Caché Redis: sesiones y datos de lectura frecuente',
      queue: 'Cola de mensajes: correos, notificaciones y otras tareas en segundo plano',
    },
    entityHeader: ['Entidad', 'Campos principales', 'Propósito'],
    entityPurposes: {
      shop: [
        'un cliente o un administrador',
        'un artículo a la venta',
        'lo que un cliente va a comprar',
        'una compra confirmada',
        'el pago de un pedido',
      ],
      generic: [
        'una persona que usa {the}',
        'el registro principal que gestiona {the}',
        'el historial de cambios',
      ],
    },
    interfaceHeader: ['Método', 'Ruta', 'Propósito'],
    routePurposes: {
      shop: [
        'listar y buscar productos',
        'ver un producto',
        'añadir al carrito',
        'hacer un pedido con el carrito',
        'pagar un pedido',
        'historial de pedidos',
      ],
      generic: [
        'registrar un usuario',
        'iniciar sesión',
        'listar registros',
        'crear un registro',
        'modificar un registro',
        'ver informes',
      ],
    },
    nonFunctional: [
      'Rendimiento: el 95 % de las peticiones responde en menos de 300 ms',
      'Disponibilidad: 99,9 %, sin puntos únicos de fallo',
      'Seguridad: HTTPS en todo, contraseñas con hash, acceso con mínimos privilegios',
      'Escalabilidad: servicios sin estado detrás de un balanceador de carga',
      'Privacidad: solo los datos personales necesarios, borrados a petición',
    ],
    risks: [
      'Requisitos poco claros: revisar el plan con los usuarios cuanto antes',
      'Picos de tráfico: pruebas de carga y escalado antes del lanzamiento',
      'Caídas de servicios externos (pagos, correo): tiempos de espera, reintentos y mensajes claros',
      'Pérdida de datos: copias de seguridad diarias y restauraciones probadas',
    ],
    testing: [
      'Pruebas unitarias de las reglas de negocio',
      'Pruebas de integración de la API y la base de datos',
      'Pruebas de extremo a extremo de los recorridos principales',
      'Pruebas de carga antes de cada versión',
    ],
    deployment: [
      'Contenedores generados por la CI en cada cambio',
      'Un entorno de preproducción igual al de producción',
      'Despliegues progresivos con comprobaciones de salud y vuelta atrás rápida',
      'Registros, métricas y alertas desde el primer día',
    ],
    planIntro: 'De acuerdo. Primero, un plan breve para {the}.',
    designIntro: {
      quick: 'El plan tiene {count} pasos. Ahora, el documento de diseño.',
      deep: 'El plan tiene {count} pasos. Ahora, un documento de diseño en profundidad.',
    },
    planReady: 'Este es el plan:\n\n{plan}',
    designReady: 'El documento de diseño «{title}» está listo, con {count} secciones: {sections}.',
    designSaved: ' Se guardó una copia en {path}.',
  },
  fr: {
    title: 'Conception : {subject}',
    fallbackSubject: 'système',
    separator: ', ',
    headings: {
      overview: "Vue d'ensemble",
      requirements: 'Exigences',
      features: 'Fonctionnalités',
      architecture: 'Architecture et composants',
      data: 'Modèle de données',
      interfaces: 'Interfaces',
      plan: 'Plan de réalisation',
      nonFunctional: 'Exigences non fonctionnelles',
      risks: 'Risques',
      testing: 'Tests',
      deployment: 'Déploiement',
    },
    overview: {
      quick:
        'Ce document présente une conception concise {of} : ce que le système fait, comment il est construit et dans quel ordre le réaliser.',
      deep: 'Ce document présente une conception approfondie {of} : ce que le système fait, comment il est construit, comment il reste fiable et sûr, et dans quel ordre le réaliser, le tester et le déployer.',
    },
    requestsLead: "Les exigences, telles qu'elles ont été formulées :",
    steps: {
      goals: 'Clarifier les objectifs et les utilisateurs {of}',
      features: 'Définir les fonctionnalités principales : {features}',
      architecture: "Concevoir l'architecture et la découper en composants",
      data: 'Concevoir le modèle de données et les interfaces',
      risks: 'Évaluer la sécurité, les performances et les principaux risques',
      build: 'Réaliser une première version (MVP) et la revoir avec les utilisateurs',
      ship: 'Tester, déployer et surveiller {the}',
    },
    features: {
      shop: [
        'Catalogue de produits avec recherche et catégories',
        'Panier',
        'Validation et gestion des commandes',
        'Paiement en ligne',
        'Comptes clients et historique des commandes',
        'Back-office pour les produits, les stocks et les commandes',
      ],
      generic: [
        'Comptes utilisateurs et droits',
        'Les processus principaux {of}',
        'Recherche et listes',
        'Notifications',
        'Administration et rapports',
      ],
    },
    components: {
      client: "Client web et mobile : l'interface {of}",
      gateway: "Passerelle d'API : authentification, limitation de débit et routage",
      core: 'Service applicatif : les règles métier {of}',
      module: 'Module {wish}',
      database: 'Base PostgreSQL : la source de vérité',
      cache: 'Cache Redis : sessions et données souvent lues',
      queue: 'File de messages : e-mails, notifications et autres tâches de fond',
    },
    entityHeader: ['Entité', 'Champs principaux', 'Rôle'],
    entityPurposes: {
      shop: [
        'un client ou un administrateur',
        'un article en vente',
        "ce qu'un client s'apprête à acheter",
        'un achat confirmé',
        "le paiement d'une commande",
      ],
      generic: [
        'une personne qui utilise {the}',
        "l'enregistrement principal géré par {the}",
        "l'historique des modifications",
      ],
    },
    interfaceHeader: ['Méthode', 'Chemin', 'Rôle'],
    routePurposes: {
      shop: [
        'lister et rechercher des produits',
        'voir un produit',
        'ajouter au panier',
        'passer commande depuis le panier',
        'payer une commande',
        'historique des commandes',
      ],
      generic: [
        'inscrire un utilisateur',
        'se connecter',
        'lister les enregistrements',
        'créer un enregistrement',
        'modifier un enregistrement',
        'consulter les rapports',
      ],
    },
    nonFunctional: [
      'Performances : 95 % des requêtes servies en moins de 300 ms',
      'Disponibilité : 99,9 %, sans point de défaillance unique',
      'Sécurité : HTTPS partout, mots de passe hachés, accès au moindre privilège',
      'Évolutivité : services sans état derrière un répartiteur de charge',
      'Confidentialité : seules les données personnelles nécessaires, effacées sur demande',
    ],
    risks: [
      'Exigences floues : revoir le plan avec les utilisateurs au plus tôt',
      'Pics de trafic : tests de charge et montée en capacité avant le lancement',
      'Pannes de services externes (paiement, e-mail) : délais, nouvelles tentatives et messages clairs',
      'Perte de données : sauvegardes quotidiennes et restaurations testées',
    ],
    testing: [
      'Tests unitaires des règles métier',
      "Tests d'intégration de l'API et de la base de données",
      'Tests de bout en bout des parcours principaux',
      'Tests de charge avant chaque version',
    ],
    deployment: [
      'Conteneurs construits par la CI à chaque modification',
      'Un environnement de préproduction identique à la production',
      'Déploiements progressifs avec contrôles de santé et retour arrière rapide',
      'Journaux, métriques et alertes dès le premier jour',
    ],
    planIntro: "D'accord. D'abord, un plan court pour {the}.",
    designIntro: {
      quick: 'Le plan compte {count} étapes. Place au document de conception.',
      deep: 'Le plan compte {count} étapes. Place à un document de conception approfondi.',
    },
    planReady: 'Voici le plan :\n\n{plan}',
    designReady: 'Le document de conception « {title} » est prêt, en {count} sections : {sections}.',
    designSaved: ' Une copie est enregistrée sous {path}.',
  },
};
